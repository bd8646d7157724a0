/**
 * /office/workorders/:id: the work order as a technician or a contractor uses it in the street on a
 * phone — what and where, the checklist, site photos from the camera, completion with a note and
 * the phone's location — and, for planners, starting, cancelling and reopening it.
 */
import { Suspense, useState } from 'react';
import { Button, FileTrigger, Form, Label, Radio, RadioGroup } from 'react-aria-components';
import { Link, useParams } from 'react-router';
import { LIMITS } from '../../../../src/platform/limits';
import { ProblemError } from '../../api/client';
import { ErrorBoundary } from '../../shared/ErrorBoundary';
import { useFormat } from '../../shared/format';
import { Icon } from '../../shared/Icon';
import { useMultilingual, useT } from '../../shared/i18n';
import { ProblemMessage } from '../../shared/ProblemMessage';
import { NotFoundPage, useDocumentTitle } from '../../shared/page';
import { CheckboxField, FormDialog, FormProblem, fieldErrorsOf, TextInput } from '../forms';
import { OverdueBadge, PointsMap, StatusBadge } from '../reports/report-ui';
import { useReport } from '../reports/reports-api';
import { PERMISSIONS, useSession } from '../session';
import '../reports/reports.css';
import './workorders.css';
import { PriorityBadge, WorkOrderStatusBadge } from './WorkOrdersPage';
import {
  type ChecklistItem,
  useCompleteWorkOrder,
  useUpdateWorkOrder,
  useUploadPhotos,
  useWorkOrder,
  type WorkOrderDetail,
} from './workorders-api';

export function WorkOrderPage() {
  const t = useT();
  const { id = '' } = useParams();
  const workOrder = useWorkOrder(id);
  if (workOrder.isError) {
    if (workOrder.error instanceof ProblemError && (workOrder.error.status === 404 || workOrder.error.status === 400))
      return <NotFoundPage home="/office/workorders" />;
    return <ProblemMessage error={workOrder.error} onRetry={() => void workOrder.refetch()} />;
  }
  if (workOrder.isPending)
    return (
      <p className="loading-line" role="status">
        {t('common.loading')}
      </p>
    );
  return <WorkOrderView workOrder={workOrder.data} />;
}

const isActive = (w: WorkOrderDetail) => w.status === 'open' || w.status === 'in_progress';

function WorkOrderView({ workOrder: w }: { workOrder: WorkOrderDetail }) {
  const t = useT();
  const { can } = useSession();
  const canManage = can(PERMISSIONS.workOrdersManage);
  const canComplete = can(PERMISSIONS.workOrdersComplete);
  // Ticks made in the street travel with the completion (field staff may not change a work order otherwise).
  const [checklist, setChecklist] = useState<ChecklistItem[]>(w.checklist);
  const [seen, setSeen] = useState(w.checklist);
  if (seen !== w.checklist) {
    setSeen(w.checklist);
    setChecklist(w.checklist);
  }
  useDocumentTitle(t.text('office.workorders.title', { number: w.number }));
  return (
    <div className="wo-page">
      <p className="back-link">
        <Link to="/office/workorders">
          <Icon name="chevron" size={18} />
          {t('office.workorders.backToList')}
        </Link>
      </p>
      <div className="page-head">
        <h1>{t('office.workorders.title', { number: w.number })}</h1>
        <p className="record-badges">
          <WorkOrderStatusBadge status={w.status} />
          <PriorityBadge priority={w.priority} />
          {w.overdue ? <OverdueBadge /> : null}
          {w.isDemo ? <span className="badge badge-demo">{t('common.demo.badge')}</span> : null}
        </p>
      </div>
      <p className="lead">
        <bdi>{w.title}</bdi>
      </p>
      {w.completion ? <Completion workOrder={w} /> : null}
      <div className={canManage ? 'report-layout' : 'wo-single'}>
        <div className="report-main">
          <Details workOrder={w} />
          <WorkOrderPlace workOrder={w} />
          <Sources workOrder={w} />
          <Checklist workOrder={w} items={checklist} onChange={setChecklist} canManage={canManage} canTick={canComplete || canManage} />
          <Photos workOrder={w} canAdd={canComplete} />
          {canComplete && isActive(w) ? <Complete workOrder={w} checklist={checklist} /> : null}
        </div>
        {canManage ? (
          <div className="report-side">
            <Manage workOrder={w} />
          </div>
        ) : null}
      </div>
    </div>
  );
}

function Details({ workOrder: w }: { workOrder: WorkOrderDetail }) {
  const t = useT();
  const ml = useMultilingual();
  const fmt = useFormat();
  const who = [w.team, w.assignee?.displayName, w.contractor?.displayName].filter(Boolean).join(' · ');
  return (
    <section className="panel panel-text" aria-labelledby="wo-details-title">
      <h2 id="wo-details-title">{t('office.workorders.details')}</h2>
      {w.description ? (
        <p className="report-text" dir="auto">
          {w.description}
        </p>
      ) : null}
      <dl className="facts">
        <div>
          <dt>{t('office.workorders.due')}</dt>
          <dd className={w.overdue ? 'due-late' : undefined}>
            {w.dueAt ? <time dateTime={w.dueAt}>{fmt.date(w.dueAt)}</time> : t('office.workorders.noDue')}
          </dd>
        </div>
        <div>
          <dt>{t('office.workorders.assignedTo')}</dt>
          <dd>{who ? <bdi>{who}</bdi> : t('office.workorders.unassigned')}</dd>
        </div>
        {w.department ? (
          <div>
            <dt>{t('office.reports.department')}</dt>
            <dd>{ml(w.department.name)}</dd>
          </div>
        ) : null}
        <div>
          <dt>{t('office.workorders.created')}</dt>
          <dd>
            <time dateTime={w.createdAt}>{fmt.dateTime(w.createdAt)}</time>
          </dd>
        </div>
      </dl>
    </section>
  );
}

function Completion({ workOrder: w }: { workOrder: WorkOrderDetail }) {
  const t = useT();
  const fmt = useFormat();
  const c = w.completion;
  if (!c) return null;
  return (
    <section className="notice notice-success wo-completion" aria-labelledby="wo-completion-title">
      <h2 id="wo-completion-title" className="notice-title">
        {t('office.workorders.completedOn', { when: fmt.dateTime(c.at) })}
      </h2>
      {c.note ? (
        <p className="pre-line" dir="auto">
          {c.note}
        </p>
      ) : null}
      <p className="record-meta">
        {c.location ? (
          <span dir="ltr">{`${c.location.lat.toFixed(5)}, ${c.location.lon.toFixed(5)}`}</span>
        ) : (
          t('office.workorders.completedNowhere')
        )}
      </p>
    </section>
  );
}

function WorkOrderPlace({ workOrder: w }: { workOrder: WorkOrderDetail }) {
  const t = useT();
  const points = [
    ...(w.location ? [{ id: 'site', lat: w.location.lat, lon: w.location.lon, color: '#1d4ed8' }] : []),
    ...(w.completion?.location ? [{ id: 'done', lat: w.completion.location.lat, lon: w.completion.location.lon, color: '#05603a' }] : []),
  ];
  return (
    <section className="panel panel-place" aria-labelledby="wo-place-title">
      <h2 id="wo-place-title">{t('office.reports.place')}</h2>
      {w.location ? (
        <>
          <ErrorBoundary>
            <Suspense fallback={<div className="map-placeholder small-map-placeholder" aria-busy="true" />}>
              <PointsMap
                className="small-map"
                points={points}
                label={t.text('office.workorders.mapLabel', { number: w.number })}
                zoom={14}
                foldAttribution
              />
            </Suspense>
          </ErrorBoundary>
          <p className="record-meta">
            <span dir="ltr">{`${w.location.lat.toFixed(5)}, ${w.location.lon.toFixed(5)}`}</span>
          </p>
          {/* The phone's own maps application, for the way there (a geo: link, no web host). */}
          <a className="button button-secondary" href={`geo:${w.location.lat},${w.location.lon}`}>
            <Icon name="pin" size={20} />
            {t('office.workorders.openInMaps')}
          </a>
        </>
      ) : (
        <p className="empty">{t('office.reports.noPlace')}</p>
      )}
    </section>
  );
}

function Sources({ workOrder: w }: { workOrder: WorkOrderDetail }) {
  const t = useT();
  if (w.sources.length === 0) return null;
  return (
    <section className="panel panel-facts" aria-labelledby="wo-sources-title">
      <h2 id="wo-sources-title">{t('office.workorders.sources')}</h2>
      <ul className="record-list">
        {w.sources.map((s) => (
          <li key={`${s.type}:${s.id}`} className="record">
            {s.type === 'report' ? <SourceReport id={s.id} /> : <span>{t('office.workorders.sourceOther', { type: s.type })}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}

function SourceReport({ id }: { id: string }) {
  const t = useT();
  const ml = useMultilingual();
  const { can } = useSession();
  const canRead = can(PERMISSIONS.reportsRead);
  const report = useReport(id, canRead);
  if (!canRead) return <span>{t('office.workorders.sourceReport')}</span>;
  if (report.isPending)
    return (
      <span className="loading-line" role="status">
        {t('common.loading')}
      </span>
    );
  if (report.isError) return <ProblemMessage error={report.error} compact />;
  const r = report.data;
  return (
    <div className="record-main">
      <p className="record-title">
        <Link to={`/office/reports/${r.id}`}>
          {t('office.reports.numberShort', { number: r.number })} · {ml(r.category.name)}
        </Link>
        <StatusBadge status={r.status} />
      </p>
      {r.address || r.district ? (
        <p className="record-meta">
          <bdi>{[ml.text(r.district?.name), r.address].filter(Boolean).join(' · ')}</bdi>
        </p>
      ) : null}
    </div>
  );
}

function Checklist({
  workOrder: w,
  items,
  onChange,
  canManage,
  canTick,
}: {
  workOrder: WorkOrderDetail;
  items: ChecklistItem[];
  onChange(items: ChecklistItem[]): void;
  canManage: boolean;
  canTick: boolean;
}) {
  const t = useT();
  const update = useUpdateWorkOrder(w.id);
  const [label, setLabel] = useState('');
  const active = isActive(w);
  // Planners save each change at once; field staff's ticks go with the completion.
  const save = (next: ChecklistItem[]) => {
    onChange(next);
    if (canManage) update.mutate({ checklist: next }, { onError: () => onChange(w.checklist), onSuccess: () => setLabel('') });
  };
  if (items.length === 0 && !(canManage && active)) return null;
  return (
    <section className="panel panel-checklist" aria-labelledby="wo-checklist-title">
      <h2 id="wo-checklist-title">{t('office.workorders.checklist')}</h2>
      {update.error ? <ProblemMessage error={update.error} compact /> : null}
      {items.length === 0 ? <p className="empty">{t('office.workorders.checklistEmpty')}</p> : null}
      <ul className="checklist">
        {items.map((item, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: checklist items have no id; labels may repeat
          <li key={i}>
            {active && canTick ? (
              <CheckboxField
                label={<bdi>{item.label}</bdi>}
                isSelected={item.done}
                onChange={(done) => save(items.map((x, j) => (j === i ? { ...x, done } : x)))}
              />
            ) : (
              <span className={item.done ? 'check-done' : 'check-todo'}>
                <Icon name={item.done ? 'check' : 'chevron'} size={18} />
                <bdi>{item.label}</bdi>
                <span className="visually-hidden">{t(item.done ? 'office.workorders.itemDone' : 'office.workorders.itemTodo')}</span>
              </span>
            )}
            {canManage && active ? (
              <Button
                className="button button-quiet button-small danger-text"
                onPress={() => save(items.filter((_, j) => j !== i))}
                aria-label={t.text('office.workorders.removeItem', { label: item.label })}
              >
                {t('common.action.remove')}
              </Button>
            ) : null}
          </li>
        ))}
      </ul>
      {active && canTick && !canManage && items.length > 0 ? <p className="field-hint">{t('office.workorders.ticksHint')}</p> : null}
      {canManage && active ? (
        <Form
          className="checklist-add"
          validationBehavior="aria"
          onSubmit={(event) => {
            event.preventDefault();
            if (label.trim()) save([...items, { label: label.trim(), done: false }]);
          }}
        >
          <TextInput
            label={t('office.workorders.newItem')}
            value={label}
            onChange={setLabel}
            maxLength={LIMITS.checklistLabelMax}
            dir="auto"
            error={fieldErrorsOf(update.error).checklist}
          />
          <Button
            type="submit"
            className="button button-secondary"
            isPending={update.isPending}
            isDisabled={items.length >= LIMITS.checklistMax}
          >
            <Icon name="plus" size={20} />
            {t('office.workorders.addItem')}
          </Button>
        </Form>
      ) : null}
    </section>
  );
}

function Photos({ workOrder: w, canAdd }: { workOrder: WorkOrderDetail; canAdd: boolean }) {
  const t = useT();
  const upload = useUploadPhotos(w.id);
  const [count, setCount] = useState(0);
  const room = LIMITS.photosPerWorkOrder - w.photos.length;
  const handleSelect = (list: FileList | null) => {
    const files = [...(list ?? [])].slice(0, Math.max(0, room));
    if (files.length === 0) return;
    setCount(files.length);
    upload.mutate(files);
  };
  if (!canAdd && w.photos.length === 0) return null;
  return (
    <section className="panel panel-photos" aria-labelledby="wo-photos-title">
      <h2 id="wo-photos-title">{t('office.workorders.photos')}</h2>
      {w.photos.length === 0 ? <p className="empty">{t('office.workorders.noPhotos')}</p> : null}
      <ul className="photo-grid">
        {w.photos.map((p, i) => (
          <li key={p.id} className="photo">
            <a href={p.url} className="photo-link">
              <img
                src={p.thumbUrl}
                alt={t.text('office.workorders.photoAlt', { n: i + 1, number: w.number })}
                width={p.width}
                height={p.height}
                loading="lazy"
              />
            </a>
          </li>
        ))}
      </ul>
      <div aria-live="polite">
        {upload.isPending ? (
          <p className="loading-line" role="status">
            <span className="spinner" aria-hidden="true" />
            {t('office.workorders.uploading', { count })}
          </p>
        ) : upload.isSuccess ? (
          <p className="notice notice-success notice-compact">{t('office.workorders.uploaded', { count })}</p>
        ) : null}
      </div>
      {upload.error ? <ProblemMessage error={upload.error} compact /> : null}
      {canAdd ? (
        room > 0 ? (
          <div className="photo-buttons">
            <FileTrigger acceptedFileTypes={['image/*']} defaultCamera="environment" allowsMultiple onSelect={handleSelect}>
              <Button className="button" isPending={upload.isPending}>
                <Icon name="plus" size={20} />
                {t('office.workorders.takePhoto')}
              </Button>
            </FileTrigger>
            <FileTrigger acceptedFileTypes={['image/*']} allowsMultiple onSelect={handleSelect}>
              <Button className="button button-secondary" isPending={upload.isPending}>
                {t('office.workorders.choosePhotos')}
              </Button>
            </FileTrigger>
          </div>
        ) : (
          <p className="field-hint">{t('office.workorders.photosFull', { max: LIMITS.photosPerWorkOrder })}</p>
        )
      ) : null}
    </section>
  );
}

type Located =
  | { state: 'idle' }
  | { state: 'locating' }
  | { state: 'found'; lat: number; lon: number; accuracy: number }
  | { state: 'failed' };

function locate(): Promise<Located> {
  return new Promise((resolve) => {
    if (!('geolocation' in navigator)) {
      resolve({ state: 'failed' });
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ state: 'found', lat: p.coords.latitude, lon: p.coords.longitude, accuracy: p.coords.accuracy }),
      () => resolve({ state: 'failed' }),
      { enableHighAccuracy: true, timeout: 20_000, maximumAge: 60_000 },
    );
  });
}

function Complete({ workOrder: w, checklist }: { workOrder: WorkOrderDetail; checklist: ChecklistItem[] }) {
  const t = useT();
  const complete = useCompleteWorkOrder(w.id);
  const [note, setNote] = useState('');
  const [where, setWhere] = useState<'here' | 'none'>('here');
  const [located, setLocated] = useState<Located>({ state: 'idle' });
  const [confirming, setConfirming] = useState(false);
  const [missingNote, setMissingNote] = useState(false);
  const errors = fieldErrorsOf(complete.error);
  const reports = w.sources.filter((s) => s.type === 'report').length;
  const place = where === 'here' && located.state === 'found' ? { lat: located.lat, lon: located.lon } : null;

  const handleReview = async () => {
    const empty = !note.trim();
    setMissingNote(empty);
    if (empty) return;
    if (where === 'here' && located.state !== 'found') {
      setLocated({ state: 'locating' });
      setLocated(await locate());
    }
    setConfirming(true);
  };

  return (
    <section className="panel panel-complete" aria-labelledby="wo-complete-title">
      <h2 id="wo-complete-title">{t('office.workorders.complete.title')}</h2>
      <p className="field-hint">{t('office.workorders.complete.hint', { count: reports })}</p>
      <Form
        validationBehavior="aria"
        onSubmit={(event) => {
          event.preventDefault();
          void handleReview();
        }}
      >
        {complete.error ? <FormProblem error={complete.error} shownFields={['note']} /> : null}
        <TextInput
          label={t('office.workorders.complete.note')}
          value={note}
          onChange={setNote}
          error={missingNote ? t.text('office.workorders.complete.noteMissing') : errors.note}
          description={t('office.workorders.complete.noteHint')}
          multiline
          isRequired
          maxLength={LIMITS.descriptionMax}
          dir="auto"
        />
        <RadioGroup className="radio-group" value={where} onChange={(v) => setWhere(v === 'none' ? 'none' : 'here')}>
          <Label className="field-label">{t('office.workorders.complete.where')}</Label>
          <Radio value="here" className="radio">
            <span className="radio-mark" aria-hidden="true" />
            <span>
              <span className="radio-label">{t('office.workorders.complete.here')}</span>
              <span className="radio-hint">{t('office.workorders.complete.hereHint')}</span>
            </span>
          </Radio>
          <Radio value="none" className="radio">
            <span className="radio-mark" aria-hidden="true" />
            <span className="radio-label">{t('office.workorders.complete.nowhere')}</span>
          </Radio>
        </RadioGroup>
        <div aria-live="polite">
          {where === 'here' && located.state === 'locating' ? (
            <p className="loading-line">
              <span className="spinner" aria-hidden="true" />
              {t('office.workorders.complete.locating')}
            </p>
          ) : null}
        </div>
        <Button type="submit" className="button button-complete" isPending={located.state === 'locating' || complete.isPending}>
          <Icon name="check" size={20} />
          {t('office.workorders.complete.review')}
        </Button>
      </Form>
      <FormDialog
        title={t('office.workorders.complete.confirmTitle', { number: w.number })}
        isOpen={confirming}
        onOpenChange={setConfirming}
      >
        <p>{t('office.workorders.complete.confirm', { count: reports })}</p>
        <dl className="facts">
          <div>
            <dt>{t('office.workorders.complete.note')}</dt>
            <dd className="pre-line" dir="auto">
              {note.trim()}
            </dd>
          </div>
          <div>
            <dt>{t('office.workorders.complete.where')}</dt>
            <dd>
              {place && located.state === 'found' ? (
                <>
                  <span dir="ltr">{`${place.lat.toFixed(6)}, ${place.lon.toFixed(6)}`}</span>{' '}
                  {t('office.workorders.complete.accuracy', { m: Math.round(located.accuracy) })}
                </>
              ) : where === 'here' ? (
                t('office.workorders.complete.notLocated')
              ) : (
                t('office.workorders.complete.nowhere')
              )}
            </dd>
          </div>
          {checklist.length > 0 ? (
            <div>
              <dt>{t('office.workorders.checklist')}</dt>
              <dd>{t('office.workorders.checklistProgress', { done: checklist.filter((c) => c.done).length, total: checklist.length })}</dd>
            </div>
          ) : null}
        </dl>
        {complete.error ? <ProblemMessage error={complete.error} compact /> : null}
        <div className="form-actions">
          <Button
            className="button"
            isPending={complete.isPending}
            onPress={() =>
              complete.mutate(
                { note: note.trim(), location: place, ...(checklist.length > 0 ? { checklist } : {}) },
                { onSuccess: () => setConfirming(false) },
              )
            }
          >
            <Icon name="check" size={20} />
            {t('office.workorders.complete.submit')}
          </Button>
          <Button className="button button-secondary" slot="close">
            {t('common.action.cancel')}
          </Button>
        </div>
      </FormDialog>
    </section>
  );
}

function Manage({ workOrder: w }: { workOrder: WorkOrderDetail }) {
  const t = useT();
  const update = useUpdateWorkOrder(w.id);
  const [cancelling, setCancelling] = useState(false);
  const move = (status: 'open' | 'in_progress' | 'cancelled') => update.mutate({ status }, { onSuccess: () => setCancelling(false) });
  return (
    <section className="panel panel-manage" aria-labelledby="wo-manage-title">
      <h2 id="wo-manage-title">{t('office.workorders.manage')}</h2>
      {update.error && !cancelling ? <ProblemMessage error={update.error} compact /> : null}
      <div className="form-actions">
        {w.status === 'open' ? (
          <Button className="button" onPress={() => move('in_progress')} isPending={update.isPending}>
            {t('office.workorders.start')}
          </Button>
        ) : null}
        {w.status === 'in_progress' ? (
          <Button className="button button-secondary" onPress={() => move('open')} isPending={update.isPending}>
            {t('office.workorders.backToOpen')}
          </Button>
        ) : null}
        {isActive(w) ? (
          <Button className="button button-secondary danger-text" onPress={() => setCancelling(true)}>
            {t('office.workorders.cancel')}
          </Button>
        ) : (
          <Button className="button button-secondary" onPress={() => move('open')} isPending={update.isPending}>
            {t('office.workorders.reopen')}
          </Button>
        )}
      </div>
      <p className="field-hint">{t(isActive(w) ? 'office.workorders.startHint' : 'office.workorders.reopenHint')}</p>
      <FormDialog
        title={t('office.workorders.cancelTitle', { number: w.number })}
        isOpen={cancelling}
        onOpenChange={setCancelling}
        role="alertdialog"
      >
        <p>{t('office.workorders.cancelConfirm')}</p>
        {update.error ? <ProblemMessage error={update.error} compact /> : null}
        <div className="form-actions">
          <Button className="button button-danger" onPress={() => move('cancelled')} isPending={update.isPending}>
            {t('office.workorders.cancel')}
          </Button>
          <Button className="button button-secondary" slot="close">
            {t('common.action.cancel')}
          </Button>
        </div>
      </FormDialog>
    </section>
  );
}
