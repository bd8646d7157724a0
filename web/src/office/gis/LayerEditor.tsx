/**
 * The map editor of one layer (loaded lazily with MapLibre and terra-draw): the layer's features in
 * the visible box (OGC API – Features) are loaded into terra-draw, where they can be selected, moved
 * and reshaped vertex by vertex; new ones are drawn with the tools the layer's geometry type allows,
 * or typed vertex by vertex from the keyboard. Drawing snaps to the vertices (toCoordinate) and to
 * the edges (toLine) of the features loaded in the editor, i.e. the layer's features in view, and a
 * dragged vertex of a line or polygon snaps the same way. The attribute form is generated from the
 * layer's schema; saves, deletions and their undo go to /api/v1/gis (each audited by the server).
 */

import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Geometry, Position } from 'geojson';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { Button, FieldError, Form, Input, Label, TextField, ToggleButton, ToggleButtonGroup } from 'react-aria-components';
import {
  type GeoJSONStoreFeatures,
  TerraDraw,
  TerraDrawLineStringMode,
  TerraDrawPointMode,
  TerraDrawPolygonMode,
  TerraDrawSelectMode,
} from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';
import { useMultilingual, useT } from '../../shared/i18n';
import CommuneMap from '../../shared/map/CommuneMap';
import { PlaceSearch } from '../../shared/map/PlaceSearch';
import '../reports/reports.css';
import { CheckboxField, ConfirmDialog, errorsUnder, FormProblem, fieldErrorsOf, type Option, SelectField, TextInput } from '../forms';
import {
  type DrawMode,
  drawModesOf,
  type FormValues,
  formValuesOf,
  MODE_OF,
  propertiesOf,
  type Simple,
  shapeOf,
  toLayer,
  toSimple,
} from './editing';
import { type FeatureInput, featureWrites, type Layer, type LayerAttribute, type SavedFeature, useFeaturesInBox } from './gis-api';

/** The layer's features in amber over the green commune; the selected one in blue. */
const COLORS = { feature: '#b45309', outline: '#ffffff', selected: '#1d4ed8' } as const;
/** Features loaded per view (a commune's layer in one screen rarely has more). */
const IN_VIEW = 500;

type Tool = 'select' | DrawMode;
type Stored = { geometry: Geometry; properties: Record<string, unknown> };
/** The feature the form is about: `fid` null until saved; `moved` when its geometry differs from the saved one. */
interface Selection {
  tid: string;
  fid: string | null;
  geometry: Simple;
  moved: boolean;
}
/** An edit of this session, and what undoing it sends. */
type Edit =
  | { kind: 'create'; fid: string }
  | { kind: 'update'; fid: string; before: Stored }
  | { kind: 'delete'; fid: string; before: Stored };

const asInput = (geometry: Geometry) => geometry as FeatureInput['geometry'];
/** Attributes without empty values (PATCH replaces them all; the schema's optional ones may be absent). */
const present = (properties: Record<string, unknown>) => Object.fromEntries(Object.entries(properties).filter(([, v]) => v !== null));
const stored = (saved: SavedFeature): Stored => ({ geometry: saved.geometry as Geometry, properties: saved.properties });

export default function LayerEditor({ layer, canEdit }: { layer: Layer; canEdit: boolean }) {
  const t = useT();
  const ml = useMultilingual();
  const queryClient = useQueryClient();
  const [map, setMap] = useState<MapLibreMap | null>(null);
  const [draw, setDraw] = useState<TerraDraw | null>(null);
  const [bbox, setBbox] = useState<[number, number, number, number] | null>(null);
  const features = useFeaturesInBox(layer.code, bbox, IN_VIEW);
  const [tool, setTool] = useState<Tool>('select');
  const [selection, setSelection] = useState<Selection | null>(null);
  const [values, setValues] = useState<FormValues>({});
  const [history, setHistory] = useState<Edit[]>([]);
  const [announcement, setAnnouncement] = useState('');
  const [confirmDelete, setConfirmDelete] = useState(false);
  /** The saved state of each feature the editor has seen (server id → geometry and attributes). */
  const server = useRef(new Map<string, Stored>());
  /** terra-draw's id of each saved feature in its store. */
  const tids = useRef(new Map<string, string>());
  const modes = drawModesOf(layer.geometryType);
  const selectionRef = useRef(selection);
  selectionRef.current = selection;

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['office', 'gis', 'count', layer.code] });
  };

  /** The form now shows this feature of terra-draw's store. */
  const show = (instance: TerraDraw, tid: string, moved: boolean) => {
    const feature = instance.getSnapshotFeature(tid);
    const geometry = feature ? toSimple(feature.geometry) : null;
    if (!feature || !geometry) return;
    const fid = typeof feature.properties.fid === 'string' ? feature.properties.fid : null;
    save.reset();
    setAnnouncement('');
    const next = { tid, fid, geometry, moved };
    // Now, not at the next render: selecting it in terra-draw calls back at once.
    selectionRef.current = next;
    setSelection(next);
    setValues(formValuesOf(layer.attributes, fid ? (server.current.get(fid)?.properties ?? {}) : {}));
  };
  const showRef = useRef(show);
  showRef.current = show;

  // terra-draw on the map, once it has loaded; the visible box follows the map.
  useEffect(() => {
    if (!map) return;
    let instance: TerraDraw | null = null;
    const start = () => {
      const snapping = { toLine: true, toCoordinate: true };
      const reshape = { draggable: true, coordinates: { draggable: true, midpoints: true, deletable: true, snappable: snapping } };
      instance = new TerraDraw({
        adapter: new TerraDrawMapLibreGLAdapter({ map }),
        modes: [
          new TerraDrawSelectMode({
            flags: { point: { feature: { draggable: true } }, linestring: { feature: reshape }, polygon: { feature: reshape } },
            styles: {
              selectedPointColor: COLORS.selected,
              selectedLineStringColor: COLORS.selected,
              selectedPolygonColor: COLORS.selected,
              selectedPolygonOutlineColor: COLORS.selected,
              selectionPointColor: COLORS.selected,
            },
          }),
          new TerraDrawPointMode({
            editable: false,
            styles: { pointColor: COLORS.feature, pointOutlineColor: COLORS.outline, pointWidth: 7, pointOutlineWidth: 2 },
          }),
          new TerraDrawLineStringMode({ snapping, styles: { lineStringColor: COLORS.feature, lineStringWidth: 3 } }),
          new TerraDrawPolygonMode({
            snapping,
            styles: { fillColor: COLORS.feature, fillOpacity: 0.25, outlineColor: COLORS.feature, outlineWidth: 2 },
          }),
        ],
      });
      const td = instance;
      td.start();
      td.setMode('select');
      td.on('finish', (id, context) => {
        const tid = String(id);
        if (context.action === 'draw') {
          // A new shape: its form opens, selected so that it can still be adjusted.
          showRef.current(td, tid, true);
          td.setMode('select');
          td.selectFeature(tid);
          setTool('select');
        } else if (selectionRef.current?.tid === tid) {
          // Moved or reshaped: the form keeps what was typed.
          const geometry = toSimple(td.getSnapshotFeature(tid)?.geometry ?? { type: 'GeometryCollection', geometries: [] });
          if (geometry) setSelection((s) => (s?.tid === tid ? { ...s, geometry, moved: true } : s));
        }
      });
      td.on('select', (id) => {
        if (selectionRef.current?.tid !== String(id)) showRef.current(td, String(id), false);
      });
      setDraw(td);
    };
    if (map.loaded()) start();
    else map.once('load', start);
    const follow = () => {
      const b = map.getBounds();
      setBbox([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]);
    };
    follow();
    map.on('moveend', follow);
    return () => {
      map.off('moveend', follow);
      map.off('load', start);
      instance?.stop();
      setDraw(null);
    };
  }, [map]);

  // The layer's features in view join terra-draw's store (once each): shown, selectable, snapped to.
  useEffect(() => {
    if (!draw || !features.data) return;
    const adding: GeoJSONStoreFeatures[] = [];
    for (const f of features.data.features) {
      const fid = String(f.id);
      if (tids.current.has(fid)) continue;
      const geometry = toSimple(f.geometry);
      if (!geometry) continue;
      const tid = String(draw.getFeatureId());
      server.current.set(fid, { geometry: f.geometry, properties: f.properties });
      tids.current.set(fid, tid);
      adding.push({ type: 'Feature', id: tid, geometry, properties: { mode: MODE_OF[geometry.type], fid } });
    }
    if (adding.length > 0) draw.addFeatures(adding);
  }, [draw, features.data]);

  const chooseTool = (next: Tool) => {
    setTool(next);
    draw?.setMode(next);
  };

  const forget = (fid: string) => {
    const tid = tids.current.get(fid);
    if (tid && draw?.hasFeature(tid)) draw.removeFeatures([tid]);
    tids.current.delete(fid);
    server.current.delete(fid);
    if (selectionRef.current?.fid === fid) setSelection(null);
  };

  /** A saved feature put in the store (again) as the server has it. */
  const place = (fid: string, state: Stored) => {
    server.current.set(fid, state);
    const geometry = toSimple(state.geometry);
    if (!draw || !geometry) return;
    const tid = tids.current.get(fid);
    if (tid && draw.hasFeature(tid)) draw.updateFeatureGeometry(tid, geometry);
    else {
      const next = String(draw.getFeatureId());
      tids.current.set(fid, next);
      draw.addFeatures([{ type: 'Feature', id: next, geometry, properties: { mode: MODE_OF[geometry.type], fid } }]);
    }
    const current = selectionRef.current;
    if (current?.fid === fid) {
      setSelection({ ...current, geometry, moved: false });
      setValues(formValuesOf(layer.attributes, state.properties));
    }
  };

  const save = useMutation({
    mutationFn: async (s: Selection): Promise<{ saved: SavedFeature; edit: Edit }> => {
      const geometry = asInput(toLayer(s.geometry, layer.geometryType));
      const properties = propertiesOf(layer.attributes, values);
      if (s.fid === null) {
        const saved = await featureWrites.create(layer.code, { geometry, properties });
        return { saved, edit: { kind: 'create', fid: saved.id } };
      }
      const before = server.current.get(s.fid);
      if (!before) throw new Error(`feature ${s.fid} was never loaded`);
      const saved = await featureWrites.update(layer.code, s.fid, { ...(s.moved ? { geometry } : {}), properties });
      return { saved, edit: { kind: 'update', fid: s.fid, before } };
    },
    onSuccess: ({ saved, edit }, s) => {
      server.current.set(saved.id, stored(saved));
      tids.current.set(saved.id, s.tid);
      draw?.updateFeatureProperties(s.tid, { fid: saved.id });
      setHistory((h) => [...h, edit]);
      setSelection({ ...s, fid: saved.id, moved: false });
      setValues(formValuesOf(layer.attributes, saved.properties));
      setAnnouncement(t.text('gis.editor.saved', { id: saved.id }));
      refresh();
    },
  });

  const remove = useMutation({
    mutationFn: async (fid: string) => {
      const before = server.current.get(fid);
      if (!before) throw new Error(`feature ${fid} was never loaded`);
      await featureWrites.remove(layer.code, fid);
      return before;
    },
    onSuccess: (before, fid) => {
      forget(fid);
      setHistory((h) => [...h, { kind: 'delete', fid, before }]);
      setConfirmDelete(false);
      setAnnouncement(t.text('gis.editor.deleted', { id: fid }));
      refresh();
    },
  });

  const undo = useMutation({
    mutationFn: async (edit: Edit): Promise<SavedFeature | null> => {
      switch (edit.kind) {
        case 'create':
          await featureWrites.remove(layer.code, edit.fid);
          return null;
        case 'update':
          return featureWrites.update(layer.code, edit.fid, {
            geometry: asInput(edit.before.geometry),
            properties: present(edit.before.properties),
          });
        case 'delete':
          return featureWrites.create(layer.code, { geometry: asInput(edit.before.geometry), properties: present(edit.before.properties) });
      }
    },
    onSuccess: (saved, edit) => {
      if (edit.kind === 'create') forget(edit.fid);
      else if (saved) place(saved.id, stored(saved));
      // A feature deleted then restored has a new id: the earlier edits follow it.
      const renamed = edit.kind === 'delete' && saved ? saved.id : null;
      setHistory((h) => h.slice(0, -1).map((e) => (renamed && e.fid === edit.fid ? { ...e, fid: renamed } : e)));
      setAnnouncement(t.text(`gis.editor.undone.${edit.kind}`, { id: saved?.id ?? edit.fid }));
      refresh();
    },
  });

  const discard = () => {
    const s = selectionRef.current;
    if (!s || !draw) return;
    if (s.fid === null) {
      if (draw.hasFeature(s.tid)) draw.removeFeatures([s.tid]);
      setSelection(null);
      return;
    }
    const state = server.current.get(s.fid);
    if (state) place(s.fid, state);
  };

  /** A shape typed from the keyboard joins the store as if drawn. */
  const addTyped = (geometry: Simple) => {
    if (!draw) return;
    const tid = String(draw.getFeatureId());
    draw.addFeatures([{ type: 'Feature', id: tid, geometry, properties: { mode: MODE_OF[geometry.type] } }]);
    show(draw, tid, true);
    chooseTool('select');
    draw.selectFeature(tid);
  };

  const last = history.at(-1);
  const errors = fieldErrorsOf(save.error);
  const inView = features.data?.features ?? [];
  const featureOptions: Option<string>[] = inView
    .filter((f) => tids.current.has(String(f.id)))
    .map((f) => {
      const text = labelOf(layer.attributes, f.properties, String(f.id));
      return { id: String(f.id), label: text, text };
    });

  return (
    <div className="gis-editor">
      <div className="gis-editor-map">
        <PlaceSearch onPick={(p) => p.point && map?.jumpTo({ center: [p.point.lon, p.point.lat], zoom: 17 })} />
        {canEdit ? (
          <ToggleButtonGroup
            className="view-toggle gis-tools"
            aria-label={t.text('gis.editor.tools')}
            selectionMode="single"
            disallowEmptySelection
            selectedKeys={[tool]}
            isDisabled={!draw}
            onSelectionChange={(keys) => {
              const [next] = [...keys];
              if (next === 'select' || next === 'point' || next === 'linestring' || next === 'polygon') chooseTool(next);
            }}
          >
            <ToggleButton id="select" className="view-button">
              {t('gis.editor.tool.select')}
            </ToggleButton>
            {modes.map((m) => (
              <ToggleButton key={m} id={m} className="view-button">
                {t(`gis.editor.tool.${m}`)}
              </ToggleButton>
            ))}
          </ToggleButtonGroup>
        ) : null}
        <p className="field-hint">{t(tool === 'select' ? 'gis.editor.hint.select' : `gis.editor.hint.${tool}`)}</p>
        <CommuneMap
          className="gis-map"
          label={t.text('gis.editor.mapLabel', { layer: ml.text(layer.title) || layer.code })}
          onMap={setMap}
        />
        <p className="field-hint">{t('gis.editor.snapping')}</p>
        {features.data && features.data.numberMatched > features.data.numberReturned ? (
          <p className="notice notice-compact">
            {t('gis.editor.limited', { shown: features.data.numberReturned, total: features.data.numberMatched })}
          </p>
        ) : null}
        {featureOptions.length > 0 ? (
          <SelectField
            label={t('gis.editor.pick')}
            value={selection?.fid ?? ''}
            onChange={(fid) => {
              const tid = tids.current.get(fid);
              if (tid && draw) {
                chooseTool('select');
                draw.selectFeature(tid);
              }
            }}
            options={featureOptions}
          />
        ) : null}
        {canEdit ? <KeyboardDrawing modes={modes} map={map} disabled={!draw} onShape={addTyped} /> : null}
      </div>
      <section className="gis-editor-form" aria-labelledby="gis-feature-title">
        <h2 id="gis-feature-title">
          {selection === null
            ? t('gis.editor.noSelection')
            : selection.fid === null
              ? t('gis.editor.newFeature')
              : t('gis.editor.feature', { id: selection.fid })}
        </h2>
        <p role="status" className="gis-announcement">
          {announcement}
        </p>
        {canEdit ? (
          <div className="form-actions">
            <Button
              className="button button-secondary"
              isDisabled={!last}
              isPending={undo.isPending}
              onPress={() => last && undo.mutate(last)}
            >
              {last ? t(`gis.editor.undo.${last.kind}`, { id: last.fid }) : t('gis.editor.undoNothing')}
            </Button>
          </div>
        ) : null}
        {undo.error ? <FormProblem error={undo.error} shownFields={[]} /> : null}
        {selection === null ? (
          <p className="field-hint">{t(canEdit ? 'gis.editor.howTo' : 'gis.editor.readOnly')}</p>
        ) : (
          <Form
            className="gis-feature-form"
            validationBehavior="aria"
            onSubmit={(event: FormEvent) => {
              event.preventDefault();
              save.mutate(selection);
            }}
          >
            {save.error ? <FormProblem error={save.error} shownFields={['properties']} /> : null}
            {layer.attributes.length === 0 ? <p className="empty">{t('gis.editor.noAttributes')}</p> : null}
            <AttributeFields
              attributes={layer.attributes}
              values={values}
              onChange={setValues}
              errors={errorsUnder(errors, 'properties')}
              disabled={!canEdit}
            />
            {selection.moved ? <p className="field-hint">{t('gis.editor.moved')}</p> : null}
            {canEdit ? (
              <div className="form-actions">
                <Button type="submit" className="button" isPending={save.isPending}>
                  {t('common.action.save')}
                </Button>
                {selection.fid === null || selection.moved ? (
                  <Button className="button button-secondary" onPress={discard}>
                    {t('gis.editor.discard')}
                  </Button>
                ) : null}
                {selection.fid !== null ? (
                  <Button className="button button-secondary danger-text" onPress={() => setConfirmDelete(true)}>
                    {t('gis.editor.delete')}
                  </Button>
                ) : null}
              </div>
            ) : null}
          </Form>
        )}
        <ConfirmDialog
          title={t('gis.editor.deleteTitle')}
          message={t('gis.editor.deleteMessage', { id: selection?.fid ?? '' })}
          confirmLabel={t('gis.editor.delete')}
          isOpen={confirmDelete}
          onOpenChange={setConfirmDelete}
          onConfirm={() => selection?.fid && remove.mutate(selection.fid)}
          isPending={remove.isPending}
          error={remove.error}
        />
      </section>
    </div>
  );
}

/** A feature's name in lists: its first text attribute, else its number. */
function labelOf(attributes: LayerAttribute[], properties: Record<string, unknown>, id: string): string {
  const named = attributes.find((a) => a.type === 'string' && typeof properties[a.name] === 'string' && properties[a.name] !== '');
  return named ? `${String(properties[named.name])} (#${id})` : `#${id}`;
}

/** The attribute form generated from the layer's schema. */
function AttributeFields({
  attributes,
  values,
  onChange,
  errors,
  disabled,
}: {
  attributes: LayerAttribute[];
  values: FormValues;
  onChange(values: FormValues): void;
  errors: Record<string, string>;
  disabled: boolean;
}) {
  const ml = useMultilingual();
  return (
    <fieldset className="gis-attribute-fields" disabled={disabled}>
      {attributes.map((a) => {
        const label = ml(a.title) || a.name;
        const value = values[a.name];
        const set = (next: string | boolean) => onChange({ ...values, [a.name]: next });
        if (a.type === 'boolean') return <CheckboxField key={a.name} label={label} isSelected={value === true} onChange={set} />;
        if (a.type === 'datetime')
          return (
            <TextField
              key={a.name}
              className="field"
              value={typeof value === 'string' ? value : ''}
              onChange={set}
              isInvalid={!!errors[a.name]}
              isRequired={a.required}
              type="datetime-local"
            >
              <Label>{label}</Label>
              <Input dir="ltr" />
              <FieldError>{errors[a.name]}</FieldError>
            </TextField>
          );
        return (
          <TextInput
            key={a.name}
            label={label}
            value={typeof value === 'string' ? value : ''}
            onChange={set}
            error={errors[a.name]}
            isRequired={a.required}
            type={a.type === 'date' ? 'date' : a.type === 'string' ? 'text' : 'number'}
            dir={a.type === 'string' ? 'auto' : 'ltr'}
          />
        );
      })}
    </fieldset>
  );
}

/**
 * Drawing without a pointer: vertices typed as coordinates (WGS 84) or taken at the map's centre
 * (move the map with the arrow keys), then the shape is finished; a point is placed at once.
 */
function KeyboardDrawing({
  modes,
  map,
  disabled,
  onShape,
}: {
  modes: DrawMode[];
  map: MapLibreMap | null;
  disabled: boolean;
  onShape(shape: Simple): void;
}) {
  const t = useT();
  const id = useId();
  const [mode, setMode] = useState<DrawMode>(modes[0] ?? 'point');
  const [lon, setLon] = useState('');
  const [lat, setLat] = useState('');
  const [vertices, setVertices] = useState<Position[]>([]);
  const [error, setError] = useState<string | undefined>();

  const add = (vertex: Position) => {
    setError(undefined);
    if (mode === 'point') {
      const shape = shapeOf('point', [vertex]);
      if (shape) onShape(shape);
      return;
    }
    setVertices([...vertices, vertex]);
  };
  const addTyped = () => {
    const x = Number(lon.replace(',', '.'));
    const y = Number(lat.replace(',', '.'));
    if (lon.trim() === '' || lat.trim() === '' || !Number.isFinite(x) || !Number.isFinite(y) || Math.abs(x) > 180 || Math.abs(y) > 90) {
      setError(t.text('gis.keyboard.invalid'));
      return;
    }
    add([x, y]);
  };
  const addCentre = () => {
    if (!map) return;
    const c = map.getCenter();
    add([Number(c.lng.toFixed(7)), Number(c.lat.toFixed(7))]);
  };
  const shape = shapeOf(mode, vertices);
  return (
    <details className="gis-keyboard">
      <summary>{t('gis.keyboard.title')}</summary>
      <p className="field-hint">{t('gis.keyboard.hint')}</p>
      {modes.length > 1 ? (
        <SelectField
          label={t('gis.keyboard.kind')}
          value={mode}
          onChange={(m) => {
            setMode(m);
            setVertices([]);
          }}
          options={modes.map((m) => ({ id: m, label: t(`gis.editor.tool.${m}`), text: t.text(`gis.editor.tool.${m}`) }))}
        />
      ) : null}
      <div className="field-row">
        <TextInput label={t('gis.keyboard.lon')} value={lon} onChange={setLon} dir="ltr" error={error} />
        <TextInput label={t('gis.keyboard.lat')} value={lat} onChange={setLat} dir="ltr" />
      </div>
      <div className="form-actions">
        <Button className="button button-secondary" isDisabled={disabled} onPress={addTyped}>
          {t(mode === 'point' ? 'gis.keyboard.placeTyped' : 'gis.keyboard.addTyped')}
        </Button>
        <Button className="button button-secondary" isDisabled={disabled || !map} onPress={addCentre}>
          {t(mode === 'point' ? 'gis.keyboard.placeCentre' : 'gis.keyboard.addCentre')}
        </Button>
      </div>
      {mode !== 'point' ? (
        <>
          <p id={`${id}-count`} aria-live="polite">
            {t('gis.keyboard.vertices', { count: vertices.length })}
          </p>
          <div className="form-actions">
            <Button
              className="button"
              isDisabled={disabled || !shape}
              aria-describedby={`${id}-count`}
              onPress={() => {
                if (!shape) return;
                onShape(shape);
                setVertices([]);
              }}
            >
              {t('gis.keyboard.finish')}
            </Button>
            <Button className="button button-quiet" isDisabled={vertices.length === 0} onPress={() => setVertices(vertices.slice(0, -1))}>
              {t('gis.keyboard.removeLast')}
            </Button>
          </div>
        </>
      ) : null}
    </details>
  );
}
