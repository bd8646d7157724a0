/**
 * Imports an OpenStreetMap extract (`.osm` or `.osm.pbf`, on disk) into the commune: the whole
 * file is read and assembled first — a file this reader refuses writes nothing — then every
 * target's features are written in ONE transaction with its audit record (all or nothing).
 * Features farther than NEAR_METRES from the commune's boundary are left out and counted.
 * On the embedded database that transaction holds its single session: a commune's extract takes
 * seconds, a region's should be cut first (`osmium extract`).
 */
import type { Actor } from '../../../platform/audit/audit.js';
import { recordAudit } from '../../../platform/audit/audit.js';
import type { Database } from '../../../platform/db/database.js';
import { withCommune } from '../../../platform/db/tenant.js';
import { assemble, type OsmFeature } from './assemble.js';
import { layerTargets, osmRef } from './layers.js';
import { indexesNearCommune } from './osm.repository.js';
import { readOsm } from './reader.js';
import { moduleTargets } from './targets.js';

/** How far outside the boundary a feature may lie and still be kept (streets that leave the commune, the edge of town). */
export const NEAR_METRES = 1000;

export interface OsmImportResult {
  /** Entities in the file. */
  read: { nodes: number; ways: number; relations: number };
  /** Features written per target (layer code, or a module's target such as `lighting.luminaire`). */
  written: Record<string, number>;
  /** Features left out because they lie farther than NEAR_METRES from the commune. */
  outside: number;
  /** Ways and multipolygons left out because the extract lacks some of their nodes or ways. */
  missingNodes: number;
  /** Multipolygons whose ways do not close into rings. */
  brokenAreas: number;
}

export async function importOsmExtract(db: Database, communeId: string, actor: Actor, file: string): Promise<OsmImportResult> {
  const targets = [...layerTargets, ...moduleTargets()];
  const assembled = await assemble(readOsm(file), (tags) => targets.some((t) => t.match(tags)));
  // The same object twice in a file (a merged extract): the last one counts.
  const features = [...new Map(assembled.features.map((f) => [osmRef(f), f])).values()];
  return withCommune(db, communeId, async (trx) => {
    const near = await indexesNearCommune(
      trx,
      communeId,
      features.map((f) => f.geometry),
      NEAR_METRES,
    );
    const kept: OsmFeature[] = near.map((i) => features[i]!);
    const written: Record<string, number> = {};
    for (const target of targets) {
      const matching = kept.filter((f) => target.match(f.tags));
      written[target.code] = matching.length ? await target.write(trx, { communeId }, matching) : 0;
    }
    const result: OsmImportResult = {
      read: assembled.read,
      written,
      outside: features.length - kept.length,
      missingNodes: assembled.missingNodes,
      brokenAreas: assembled.brokenAreas,
    };
    await recordAudit(trx, communeId, actor, { action: 'gis.osm.import', entityType: 'osm_extract', entityId: null, after: result });
    return result;
  });
}
