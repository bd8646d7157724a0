/**
 * Import into a layer: a file (GeoJSON, CSV, zipped Shapefile, GeoPackage) and its CRS, sent as a
 * background job whose progress is polled and shown (a progress bar, "N of M rows"), which can be
 * cancelled, and whose result or errors by row are shown when it ends.
 */
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { Button } from 'react-aria-components';
import { useFormat } from '../../shared/format';
import { useT } from '../../shared/i18n';
import { ProblemMessage } from '../../shared/ProblemMessage';
import { FormProblem, SelectField } from '../forms';
import {
  IMPORT_CRS,
  type ImportCrs,
  type ImportJob,
  isRunning,
  type Layer,
  useCancelImport,
  useImportJob,
  useImports,
  useStartImport,
} from './gis-api';

const FROM_FILE = 'file';
const ACCEPT = '.geojson,.json,.csv,.zip,.gpkg,application/geo+json,text/csv,application/zip,application/geopackage+sqlite3';

export function ImportPanel({ layer }: { layer: Layer }) {
  const t = useT();
  const id = useId();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [crs, setCrs] = useState<string>(FROM_FILE);
  const [jobId, setJobId] = useState<string | null>(null);
  const start = useStartImport(layer.code);
  const job = useImportJob(jobId);
  const past = useImports(layer.code);

  // A finished job changed the layer: its count, its features on the map, the list of imports.
  const finished = job.data && !isRunning(job.data) ? job.data.status : null;
  useEffect(() => {
    if (finished === 'succeeded') void queryClient.invalidateQueries({ queryKey: ['office', 'gis'] });
    else if (finished) void queryClient.invalidateQueries({ queryKey: ['office', 'gis', 'imports', layer.code] });
  }, [finished, queryClient, layer.code]);

  const crsOptions = [
    { id: FROM_FILE, label: t('gis.import.crsFromFile'), text: t.text('gis.import.crsFromFile') },
    ...IMPORT_CRS.map((code) => ({ id: String(code), label: t(`gis.crs.${code}`), text: t.text(`gis.crs.${code}`) })),
  ];
  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    const srid = crs === FROM_FILE ? null : (Number(crs) as ImportCrs);
    start.mutate({ file, crs: srid }, { onSuccess: (started) => setJobId(started.id) });
  };
  const running = job.data ? isRunning(job.data) : false;

  return (
    <section className="section gis-import" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('gis.import.title')}</h2>
      <p className="field-hint">{t('gis.import.hint')}</p>
      <form onSubmit={handleSubmit} className="gis-import-form">
        {start.error ? <FormProblem error={start.error} shownFields={[]} /> : null}
        <div className="field">
          <label htmlFor={`${id}-file`}>{t('gis.import.file')}</label>
          <input
            id={`${id}-file`}
            type="file"
            accept={ACCEPT}
            required
            onChange={(event) => setFile(event.currentTarget.files?.[0] ?? null)}
          />
        </div>
        <SelectField label={t('gis.import.crs')} value={crs} onChange={setCrs} options={crsOptions} />
        <div className="form-actions">
          <Button type="submit" className="button" isDisabled={!file || running} isPending={start.isPending}>
            {t('gis.import.start')}
          </Button>
        </div>
      </form>
      {job.isError ? <ProblemMessage error={job.error} onRetry={() => void job.refetch()} /> : null}
      {job.data ? <JobView job={job.data} /> : null}
      {past.data && past.data.items.length > 0 ? <PastImports jobs={past.data.items} /> : null}
    </section>
  );
}

/** One job: its progress while it runs (with Cancel), then its result or its errors by row. */
function JobView({ job }: { job: ImportJob }) {
  const t = useT();
  const id = useId();
  const cancel = useCancelImport();
  const percent = job.percent ?? (job.rowsTotal ? Math.round((100 * job.rowsDone) / job.rowsTotal) : null);
  return (
    <div className="gis-job" data-status={job.status}>
      <h3>{t('gis.import.job', { file: job.fileName })}</h3>
      {/* Polite: the screen reader hears the progress between what the user does, not over it. */}
      <div aria-live="polite" aria-atomic="true" className="gis-job-progress">
        <p>{t(`gis.import.status.${job.status}`)}</p>
        {isRunning(job) ? (
          <>
            <label htmlFor={`${id}-bar`} className="visually-hidden">
              {t('gis.import.progress', { file: job.fileName })}
            </label>
            <progress id={`${id}-bar`} max={100} {...(percent === null ? {} : { value: percent })} />
            <p>
              {percent === null ? null : <span>{t('gis.import.percent', { percent })} · </span>}
              {job.rowsTotal === null
                ? t('gis.import.rowsDone', { done: job.rowsDone })
                : t('gis.import.rows', { done: job.rowsDone, total: job.rowsTotal })}
            </p>
          </>
        ) : null}
      </div>
      {isRunning(job) ? (
        <div className="form-actions">
          <Button className="button button-secondary" isPending={cancel.isPending} onPress={() => cancel.mutate(job.id)}>
            {t('gis.import.cancel')}
          </Button>
        </div>
      ) : null}
      {cancel.error ? <ProblemMessage error={cancel.error} compact /> : null}
      {job.result ? <JobResult result={job.result} srid={job.srid} /> : null}
      {job.errors.length > 0 ? (
        <div className="form-problem">
          <p>{t('gis.import.errors', { count: job.errors.length })}</p>
          <ul className="field-error-list">
            {job.errors.map((e) => (
              <li key={`${e.pointer}:${e.key}`}>
                {rowOf(e.pointer) === null ? null : <span>{t('gis.import.row', { row: rowOf(e.pointer) })} </span>}
                {e.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

/** The row a job error is about (`/rows/12/…` → 12), when it is about one. */
function rowOf(pointer: string): number | null {
  const match = /^\/rows\/(\d+)/.exec(pointer);
  return match ? Number(match[1]) : null;
}

function JobResult({ result, srid }: { result: NonNullable<ImportJob['result']>; srid: number | null }) {
  const t = useT();
  return (
    <dl className="gis-result">
      <dt>{t('gis.import.imported')}</dt>
      <dd>{t('gis.import.importedCount', { count: result.imported })}</dd>
      {srid !== null ? (
        <>
          <dt>{t('gis.import.srid')}</dt>
          <dd>
            <bdi dir="ltr">EPSG:{srid}</bdi>
          </dd>
        </>
      ) : null}
      <dt>{t('gis.import.repaired')}</dt>
      <dd>{result.repaired.length === 0 ? t('gis.import.none') : <bdi dir="ltr">{result.repaired.join(', ')}</bdi>}</dd>
      <dt>{t('gis.import.outside')}</dt>
      <dd>{result.outside.length === 0 ? t('gis.import.none') : <bdi dir="ltr">{result.outside.join(', ')}</bdi>}</dd>
      <dt>{t('gis.import.ignored')}</dt>
      <dd>{result.ignored.length === 0 ? t('gis.import.none') : <bdi dir="ltr">{result.ignored.join(', ')}</bdi>}</dd>
    </dl>
  );
}

function PastImports({ jobs }: { jobs: ImportJob[] }) {
  const t = useT();
  const fmt = useFormat();
  return (
    <details className="gis-past">
      <summary>{t('gis.import.past', { count: jobs.length })}</summary>
      <ul className="record-list">
        {jobs.map((j) => (
          <li key={j.id} className="record">
            <p className="record-title">
              <bdi>{j.fileName}</bdi> · {t(`gis.import.status.${j.status}`)}
            </p>
            <p className="record-meta">
              <time dateTime={j.createdAt}>{fmt.dateTime(j.createdAt)}</time>
              {j.result ? ` · ${t.text('gis.import.importedCount', { count: j.result.imported })}` : null}
            </p>
          </li>
        ))}
      </ul>
    </details>
  );
}
