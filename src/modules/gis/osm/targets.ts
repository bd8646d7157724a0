/**
 * Where the features of an OpenStreetMap extract go. The GIS core's own targets are its base
 * layers (streets, buildings, places) and the asset layers of modules that do not exist yet;
 * modules that keep their assets in their own tables (lighting) register a target from their
 * index.ts with `registerOsmTarget`, so GIS never imports their files.
 */
import type { Tx } from '../../../platform/db/tenant.js';
import type { OsmFeature } from './assemble.js';
import type { Tags } from './reader.js';

export interface OsmWriteContext {
  communeId: string;
}

/** A destination for the features of an extract. */
export interface OsmTarget {
  /** Names the target in the import's counts, e.g. `lighting.luminaire` or a layer code. */
  code: string;
  /** Whether a feature with these tags belongs here (a feature may go to several targets). */
  match(tags: Tags): boolean;
  /**
   * Writes (inserts or updates, by OSM id) the matching features that lie in or near the commune,
   * inside the import's transaction; returns how many were written.
   */
  write(trx: Tx, ctx: OsmWriteContext, features: OsmFeature[]): Promise<number>;
}

const registered: OsmTarget[] = [];

/** Adds a module's target for the OpenStreetMap import (call it once, from the module's index.ts). */
export function registerOsmTarget(target: OsmTarget) {
  if (registered.some((t) => t.code === target.code)) throw new Error(`OSM target ${target.code} is registered twice`);
  registered.push(target);
}

/** The modules' targets, in the order they registered. */
export const moduleTargets = (): readonly OsmTarget[] => registered;
