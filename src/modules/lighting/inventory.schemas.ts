import { Type } from 'typebox';
import { Nullable, PageMeta, PageQuery, Strict, Timestamp, Uuid } from '../../platform/http/schemas.js';
import { LIVE_STATES } from './inventory.repository.js';
import { TECHNOLOGIES } from './lighting.repository.js';

const enumOf = <T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });
const LiveState = enumOf(
  LIVE_STATES,
  'on, dimmed (on below 100 %), off, fault (a fault flag raised), silent (no message for 15 minutes), unmonitored (no controller)',
);
const Multilingual = Type.Record(Type.String(), Type.String());

export const LuminaireListQuery = Strict({
  ...PageQuery,
  cabinet: Type.Optional(Uuid),
  group: Type.Optional(Uuid),
  district: Type.Optional(Uuid),
  technology: Type.Optional(enumOf(TECHNOLOGIES)),
  state: Type.Optional(LiveState),
  bbox: Type.Optional(
    Type.String({
      pattern: '^-?[0-9]{1,3}(\\.[0-9]{1,10})?(,-?[0-9]{1,3}(\\.[0-9]{1,10})?){3}$',
      description: 'west,south,east,north in degrees (WGS 84)',
    }),
  ),
});

const Live = {
  state: LiveState,
  dimLevel: Nullable(Type.Number({ description: '%' })),
  faults: Type.Array(Type.String()),
  lastSeenAt: Nullable(Timestamp),
};

export const LuminaireResponse = Type.Object({
  id: Uuid,
  code: Type.String(),
  location: Type.Object({ lon: Type.Number(), lat: Type.Number() }),
  technology: enumOf(TECHNOLOGIES),
  powerRating: Type.Number({ description: 'Rated power, W' }),
  dateServiceStarted: Nullable(Type.String()),
  circuit: Nullable(Type.String()),
  cabinet: Nullable(Type.Object({ id: Uuid, code: Type.String() })),
  group: Nullable(Type.Object({ id: Uuid, code: Type.String() })),
  deviceId: Nullable(Type.String()),
  ...Live,
  power: Nullable(Type.Number({ description: 'Active power, W' })),
});

export const LuminaireListResponse = Type.Object({ items: Type.Array(LuminaireResponse), page: PageMeta });

export const LuminaireDetailResponse = Type.Intersect([
  LuminaireResponse,
  Type.Object({
    readings: Type.Array(
      Type.Object({
        observedAt: Timestamp,
        powerState: enumOf(['on', 'off'] as const),
        dimLevel: Nullable(Type.Number()),
        powerConsumption: Nullable(Type.Number()),
        voltage: Nullable(Type.Number()),
        energyConsumed: Nullable(Type.Number()),
        faults: Type.Array(Type.String()),
      }),
      { description: 'The latest readings of the last two days, newest first' },
    ),
  }),
]);

export const LuminaireMapResponse = Type.Object(
  {
    type: Type.Literal('FeatureCollection'),
    features: Type.Array(
      Type.Object({
        type: Type.Literal('Feature'),
        id: Uuid,
        geometry: Type.Object({ type: Type.Literal('Point'), coordinates: Type.Array(Type.Number(), { minItems: 2, maxItems: 2 }) }),
        properties: Type.Object({ code: Type.String(), state: LiveState }),
      }),
    ),
  },
  { description: 'Every luminaire of the commune with its live state, as GeoJSON (lon/lat, 6 decimals)' },
);

export const CabinetListQuery = Strict({ ...PageQuery, state: Type.Optional(LiveState) });

export const CabinetResponse = Type.Object({
  id: Uuid,
  code: Type.String(),
  name: Nullable(Type.String()),
  location: Type.Object({ lon: Type.Number(), lat: Type.Number() }),
  maximumPowerAvailable: Nullable(Type.Number({ description: 'Contracted power, kW' })),
  circuitCount: Type.Integer(),
  luminaires: Type.Integer(),
  deviceId: Nullable(Type.String()),
  ...Live,
  power: Nullable(Type.Number({ description: 'Active power, all phases, kW' })),
});

export const CabinetListResponse = Type.Object({ items: Type.Array(CabinetResponse), page: PageMeta });

export const InventoryFacetsResponse = Type.Object({
  cabinets: Type.Array(Type.Object({ id: Uuid, code: Type.String() })),
  groups: Type.Array(Type.Object({ id: Uuid, code: Type.String(), name: Multilingual })),
  districts: Type.Array(Type.Object({ id: Uuid, name: Multilingual }), { description: 'The districts with a mapped area' }),
  states: Type.Array(Type.Object({ state: LiveState, count: Type.Integer() })),
});
