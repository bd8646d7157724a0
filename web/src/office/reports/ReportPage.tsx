/** /office/reports/:id: everything about a report, its whole history, and what staff can do with it. */
import { Suspense, useState } from 'react';
import { Button, Form, Label, Radio, RadioGroup } from 'react-aria-components';
import { Link, useParams } from 'react-router';
import { LIMITS } from '../../../../src/platform/limits';
import { ProblemError } from '../../api/client';
import { ErrorBoundary } from '../../shared/ErrorBoundary';
import { useFormat } from '../../shared/format';
import { Icon } from '../../shared/Icon';
import { useMultilingual, useT } from '../../shared/i18n';
import { ProblemMessage } from '../../shared/ProblemMessage';
import { NotFoundPage, useDocumentTitle } from '../../shared/page';
import { FormProblem, fieldErrorsOf, type Option, SelectField, TextInput } from '../forms';
import { PERMISSIONS, useSession } from '../session';
import { useWorkOrder } from '../workorders/workorders-api';
import './reports.css';
import { Age, OverdueBadge, PointsMap, STATUS_COLORS, StatusBadge } from './report-ui';
import {
  type Category,
  dayOf,
  endOfDay,
  NEXT_STATUSES,
  PRIORITIES,
  type Priority,
  type ReportDetail,
  type ReportStatus,
  type ReportUpdate,
  useAssignees,
  useReport,
  useReportAction,
  useReportCategories,
} from './reports-api';

export function ReportPage() {
  const t = useT();
  const { id = '' } = useParams();
  const report = useReport(id);
  if (report.isError) {
    if (report.error instanceof ProblemError && (report.error.status === 404 || report.error.status === 400))
      return <NotFoundPage home="/office/reports" />;
    return <ProblemMessage error={report.error} onRetry={() => void report.refetch()} />;
  }
  if (report.isPending)
    return (
      <p className="loading-line" role="status">
        {t('common.loading')}
      </p>
    );
  return <ReportView report={report.data} />;
}

function ReportView({ report: r }: { report: ReportDetail }) {
  const t = useT();
  const ml = useMultilingual();
  const { can } = useSession();
  const categories = useReportCategories(can(PERMISSIONS.categories));
  const category = categories.data?.find((c) => c.code === r.category.code);
  const canTriage = can(PERMISSIONS.reportsTriage);
  useDocumentTitle(t.text('office.reports.title', { number: r.number }));
  return (
    <>
      <p className="back-link">
        <Link to="/office/reports">
          <Icon name="chevron" size={18} />
          {t('office.reports.backToQueue')}
        </Link>
      </p>
      <div className="page-head">
        <h1>{t('office.reports.title', { number: r.number })}</h1>
        <p className="record-badges">
          <StatusBadge status={r.status} />
          {r.overdue ? <OverdueBadge /> : null}
          {r.isDemo ? <span className="badge badge-demo">{t('common.demo.badge')}</span> : null}
        </p>
      </div>
      <p className="lead">
        {ml(r.category.name)} · {ml(r.department.name)}
      </p>
      <div className="report-layout">
        <div className="report-main">
          <section className="panel panel-text" aria-labelledby="report-text-title">
            <h2 id="report-text-title">{t('office.reports.description')}</h2>
            {r.textHidden ? (
              <p className="notice notice-compact notice-warning">
                <Icon name="key" size={18} /> {t('office.reports.textHiddenNotice')}
              </p>
            ) : null}
            {/* The citizen's words, as text: React escapes them, nothing is read as HTML. */}
            <p className="report-text" dir="auto">
              {r.description}
            </p>
            <Answers report={r} category={category} />
          </section>
          <Facts report={r} />
          <Place report={r} />
          {r.contact ? <Contact contact={r.contact} /> : null}
          <WorkOrderCard report={r} />
          <Photos report={r} />
          <History report={r} />
          {canTriage ? <WriteUpdate report={r} /> : null}
        </div>
        {/* What staff can do, beside what they read on a wide screen; after it on a phone. */}
        <div className="report-side">
          {canTriage ? <ChangeStatus key={r.status} report={r} /> : null}
          {canTriage ? <Assign report={r} /> : null}
          {can(PERMISSIONS.reportsModerate) ? <Moderation report={r} /> : null}
        </div>
      </div>
    </>
  );
}

function Answers({ report: r, category }: { report: ReportDetail; category: Category | undefined }) {
  const t = useT();
  const ml = useMultilingual();
  const fmt = useFormat();
  const entries = Object.entries(r.attributes);
  if (entries.length === 0) return null;
  const byCode = new Map((category?.attributes ?? []).map((a) => [a.code, a]));
  const order = (code: string) => byCode.get(code)?.order ?? Number.MAX_SAFE_INTEGER;
  const valueText = (code: string, value: string | number | string[]) => {
    const attribute = byCode.get(code);
    const name = (key: string) => {
      const v = attribute?.values?.find((x) => x.key === key);
      return v ? ml.text(v.name) : key;
    };
    if (Array.isArray(value)) return fmt.list(value.map(name));
    if (typeof value === 'number') return fmt.number(value);
    if (attribute?.datatype === 'datetime' && !Number.isNaN(Date.parse(value))) return fmt.dateTime(value);
    return attribute?.values ? name(value) : value;
  };
  return (
    <>
      <h3>{t('office.reports.answers')}</h3>
      <dl className="facts">
        {entries
          .sort(([a], [b]) => order(a) - order(b))
          .map(([code, value]) => {
            const attribute = byCode.get(code);
            return (
              <div key={code}>
                <dt>{attribute ? ml(attribute.description) : <code dir="ltr">{code}</code>}</dt>
                <dd>
                  <bdi>{valueText(code, value)}</bdi>
                </dd>
              </div>
            );
          })}
      </dl>
    </>
  );
}

function Facts({ report: r }: { report: ReportDetail }) {
  const t = useT();
  const ml = useMultilingual();
  const fmt = useFormat();
  return (
    <section className="panel panel-facts" aria-labelledby="report-facts-title">
      <h2 id="report-facts-title">{t('office.reports.facts')}</h2>
      <dl className="facts">
        <div>
          <dt>{t('office.reports.filedAt')}</dt>
          <dd>
            <time dateTime={r.createdAt}>{fmt.dateTime(r.createdAt)}</time> (<Age at={r.createdAt} />)
          </dd>
        </div>
        <div>
          <dt>{t('office.reports.source')}</dt>
          <dd>{t(`office.reports.sourceName.${r.source}`)}</dd>
        </div>
        <div>
          <dt>{t('office.reports.expected')}</dt>
          <dd className={r.overdue ? 'due-late' : undefined}>
            <time dateTime={r.expectedBy}>{fmt.date(r.expectedBy)}</time>
          </dd>
        </div>
        {r.resolvedAt ? (
          <div>
            <dt>{t('office.reports.resolvedAt')}</dt>
            <dd>
              <time dateTime={r.resolvedAt}>{fmt.dateTime(r.resolvedAt)}</time>
            </dd>
          </div>
        ) : null}
        {r.reopenCount > 0 ? (
          <div>
            <dt>{t('office.reports.reopened')}</dt>
            <dd>{t('office.reports.reopenCount', { count: r.reopenCount })}</dd>
          </div>
        ) : null}
        {r.resolution.note ? (
          <div>
            <dt>{t('office.reports.resolutionNote')}</dt>
            <dd dir="auto" className="pre-line">
              {r.resolution.note}
            </dd>
          </div>
        ) : null}
        {r.resolution.responsibleBody ? (
          <div>
            <dt>{t('office.reports.responsibleBody')}</dt>
            <dd>
              <bdi>{r.resolution.responsibleBody}</bdi>
            </dd>
          </div>
        ) : null}
        {r.resolution.duplicateOf ? (
          <div>
            <dt>{t('office.reports.duplicateOf')}</dt>
            <dd>{t('office.reports.numberShort', { number: r.resolution.duplicateOf })}</dd>
          </div>
        ) : null}
        <div>
          <dt>{t('office.reports.department')}</dt>
          <dd>{ml(r.department.name)}</dd>
        </div>
      </dl>
    </section>
  );
}

function Place({ report: r }: { report: ReportDetail }) {
  const t = useT();
  const ml = useMultilingual();
  return (
    <section className="panel panel-place" aria-labelledby="report-place-title">
      <h2 id="report-place-title">{t('office.reports.place')}</h2>
      {r.district || r.address ? (
        <p>
          <bdi>{[ml.text(r.district?.name), r.address].filter(Boolean).join(' · ')}</bdi>
        </p>
      ) : null}
      {r.location ? (
        <>
          <ErrorBoundary>
            <Suspense fallback={<div className="map-placeholder small-map-placeholder" aria-busy="true" />}>
              <PointsMap
                className="small-map"
                points={[{ id: r.id, lat: r.location.lat, lon: r.location.lon, color: STATUS_COLORS[r.status], ring: r.overdue }]}
                label={t.text('office.reports.placeMapLabel', { number: r.number })}
                zoom={14}
                foldAttribution
              />
            </Suspense>
          </ErrorBoundary>
          <p className="record-meta">
            <span dir="ltr">{`${r.location.lat.toFixed(5)}, ${r.location.lon.toFixed(5)}`}</span>
          </p>
        </>
      ) : (
        <p className="empty">{t('office.reports.noPlace')}</p>
      )}
    </section>
  );
}

function Contact({ contact }: { contact: NonNullable<ReportDetail['contact']> }) {
  const t = useT();
  const any = contact.name || contact.email || contact.phone;
  return (
    <section className="panel panel-contact" aria-labelledby="report-contact-title">
      <h2 id="report-contact-title">{t('office.reports.contact')}</h2>
      <p className="field-hint">{t('office.reports.contactPrivate')}</p>
      {any ? (
        <dl className="facts">
          {contact.name ? (
            <div>
              <dt>{t('office.reports.contactName')}</dt>
              <dd>
                <bdi>{contact.name}</bdi>
              </dd>
            </div>
          ) : null}
          {contact.email ? (
            <div>
              <dt>{t('office.reports.contactEmail')}</dt>
              <dd>
                <a href={`mailto:${contact.email}`} dir="ltr">
                  {contact.email}
                </a>
              </dd>
            </div>
          ) : null}
          {contact.phone ? (
            <div>
              <dt>{t('office.reports.contactPhone')}</dt>
              <dd>
                <a href={`tel:${contact.phone.replace(/[^\d+]/g, '')}`} dir="ltr">
                  {contact.phone}
                </a>
              </dd>
            </div>
          ) : null}
        </dl>
      ) : (
        <p className="empty">{t('office.reports.noContact')}</p>
      )}
    </section>
  );
}

function WorkOrderCard({ report: r }: { report: ReportDetail }) {
  const t = useT();
  const fmt = useFormat();
  const { can } = useSession();
  const w = r.workOrder;
  if (!w) return null;
  const who = [w.team, w.assignee, w.contractor].filter(Boolean).join(' · ');
  return (
    <section className="panel panel-wo" aria-labelledby="report-wo-title">
      <h2 id="report-wo-title">{t('office.reports.workOrder')}</h2>
      <p className="record-title">
        {can(PERMISSIONS.workOrdersRead) ? (
          <Link to={`/office/workorders/${w.id}`}>{t('office.workorders.title', { number: w.number })}</Link>
        ) : (
          t('office.workorders.title', { number: w.number })
        )}
        <span className={`badge wo-status wo-status-${w.status}`}>{t(`office.workorders.status.${w.status}`)}</span>
      </p>
      <dl className="facts">
        {who ? (
          <div>
            <dt>{t('office.workorders.assignedTo')}</dt>
            <dd>
              <bdi>{who}</bdi>
            </dd>
          </div>
        ) : null}
        <div>
          <dt>{t('office.workorders.priority')}</dt>
          <dd>{t(`office.workorders.priorityName.${w.priority}`)}</dd>
        </div>
        {w.dueAt ? (
          <div>
            <dt>{t('office.workorders.due')}</dt>
            <dd>
              <time dateTime={w.dueAt}>{fmt.date(w.dueAt)}</time>
            </dd>
          </div>
        ) : null}
      </dl>
    </section>
  );
}

function Photos({ report: r }: { report: ReportDetail }) {
  const t = useT();
  const { can } = useSession();
  const moderate = useReportAction(r.id);
  const canModerate = can(PERMISSIONS.reportsModerate);
  if (r.photos.length === 0) return null;
  const set = (id: string, flags: { approved?: boolean; hidden?: boolean }) =>
    moderate.mutate({ kind: 'moderation', body: { photos: [{ id, ...flags }] } });
  return (
    <section className="panel panel-photos" aria-labelledby="report-photos-title">
      <h2 id="report-photos-title">{t('office.reports.photos')}</h2>
      {moderate.error ? <ProblemMessage error={moderate.error} compact /> : null}
      <ul className="photo-grid">
        {r.photos.map((p, i) => {
          const state = p.hidden ? 'hidden' : p.approved ? 'approved' : 'pending';
          return (
            <li key={p.id} className={`photo photo-${state}`}>
              <a href={p.url} className="photo-link">
                <img
                  src={p.thumbUrl}
                  alt={t.text('office.reports.photoAlt', { n: i + 1, number: r.number })}
                  width={p.width}
                  height={p.height}
                  loading="lazy"
                />
              </a>
              <p className="photo-meta">
                <span className={`badge photo-state-${state}`}>{t(`office.reports.photoState.${state}`)}</span>
                <span>{t(`office.reports.uploadedBy.${p.uploadedBy === 'staff' ? 'staff' : 'citizen'}`)}</span>
              </p>
              {canModerate ? (
                <div className="photo-actions">
                  {!p.approved || p.hidden ? (
                    <Button
                      className="button button-secondary button-small"
                      onPress={() => set(p.id, { approved: true, hidden: false })}
                      isPending={moderate.isPending}
                      aria-label={t.text('office.reports.approvePhotoN', { n: i + 1 })}
                    >
                      {t('office.reports.approvePhoto')}
                    </Button>
                  ) : null}
                  {!p.hidden ? (
                    <Button
                      className="button button-secondary button-small danger-text"
                      onPress={() => set(p.id, { hidden: true })}
                      isPending={moderate.isPending}
                      aria-label={t.text('office.reports.hidePhotoN', { n: i + 1 })}
                    >
                      {t('office.reports.hidePhoto')}
                    </Button>
                  ) : null}
                </div>
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function History({ report: r }: { report: ReportDetail }) {
  const t = useT();
  return (
    <section className="panel panel-history" aria-labelledby="report-history-title">
      <h2 id="report-history-title">{t('office.reports.history')}</h2>
      <p className="field-hint">{t('office.reports.historyHint')}</p>
      <ol className="history">
        {r.updates.map((u) => (
          <HistoryEntry key={u.id} update={u} />
        ))}
      </ol>
    </section>
  );
}

function HistoryEntry({ update: u }: { update: ReportUpdate }) {
  const t = useT();
  const fmt = useFormat();
  const kinds = ['created', 'status', 'public_note', 'internal_note', 'assignment', 'citizen', 'moderation'];
  const kind = kinds.includes(u.kind) ? u.kind : 'other';
  return (
    <li className={u.isPublic ? 'history-entry history-public' : 'history-entry history-internal'}>
      <p className="history-head">
        <span className={u.isPublic ? 'badge badge-public' : 'badge badge-internal'}>
          <Icon name={u.isPublic ? 'globe' : 'key'} size={14} />
          {t(u.isPublic ? 'office.reports.public' : 'office.reports.internal')}
        </span>
        <span className="history-kind">{t(`office.reports.kind.${kind}`)}</span>
        {u.status && u.kind !== 'created' ? <StatusBadge status={u.status} /> : null}
      </p>
      {u.text ? (
        <p className="history-text" dir="auto">
          {u.text}
        </p>
      ) : null}
      <p className="record-meta">
        <time dateTime={u.at}>{fmt.dateTime(u.at)}</time>
        {u.author ? (
          <>
            {' · '}
            {u.author === 'citizen' ? t('office.reports.byCitizen') : <bdi>{u.author}</bdi>}
          </>
        ) : null}
      </p>
    </li>
  );
}

function WriteUpdate({ report: r }: { report: ReportDetail }) {
  const t = useT();
  const action = useReportAction(r.id);
  const [text, setText] = useState('');
  const [visibility, setVisibility] = useState<'internal' | 'public'>('internal');
  const [done, setDone] = useState<'internal' | 'public' | null>(null);
  const errors = fieldErrorsOf(action.error);
  return (
    <section className="panel panel-write" aria-labelledby="report-write-title">
      <h2 id="report-write-title">{t('office.reports.write.title')}</h2>
      <Form
        validationBehavior="aria"
        onSubmit={(event) => {
          event.preventDefault();
          setDone(null);
          action.mutate(
            { kind: 'update', body: { text, public: visibility === 'public' } },
            {
              onSuccess: () => {
                setDone(visibility);
                setText('');
              },
            },
          );
        }}
      >
        {action.error ? <FormProblem error={action.error} shownFields={['text']} /> : null}
        <RadioGroup className="radio-group" value={visibility} onChange={(v) => setVisibility(v === 'public' ? 'public' : 'internal')}>
          <Label className="field-label">{t('office.reports.write.visibility')}</Label>
          <Radio value="internal" className="radio">
            <span className="radio-mark" aria-hidden="true" />
            <span>
              <span className="radio-label">{t('office.reports.write.internal')}</span>
              <span className="radio-hint">{t('office.reports.write.internalHint')}</span>
            </span>
          </Radio>
          <Radio value="public" className="radio">
            <span className="radio-mark" aria-hidden="true" />
            <span>
              <span className="radio-label">{t('office.reports.write.public')}</span>
              <span className="radio-hint">{t('office.reports.write.publicHint')}</span>
            </span>
          </Radio>
        </RadioGroup>
        <TextInput
          label={t('office.reports.write.text')}
          value={text}
          onChange={setText}
          error={errors.text}
          multiline
          isRequired
          maxLength={LIMITS.descriptionMax}
          dir="auto"
        />
        {done ? (
          <p className="notice notice-success notice-compact" role="status">
            {t(done === 'public' ? 'office.reports.write.donePublic' : 'office.reports.write.doneInternal')}
          </p>
        ) : null}
        <Button type="submit" className="button" isPending={action.isPending}>
          {t(visibility === 'public' ? 'office.reports.write.submitPublic' : 'office.reports.write.submitInternal')}
        </Button>
      </Form>
    </section>
  );
}

function ChangeStatus({ report: r }: { report: ReportDetail }) {
  const t = useT();
  const next = NEXT_STATUSES[r.status];
  const action = useReportAction(r.id);
  // A step forward by default (reopening is there, but rarely the point).
  const [status, setStatus] = useState<ReportStatus>(next.find((s) => s !== 'open') ?? next[0] ?? 'open');
  const [note, setNote] = useState('');
  const [responsibleBody, setResponsibleBody] = useState('');
  const [duplicateOf, setDuplicateOf] = useState('');
  const errors = fieldErrorsOf(action.error);
  const noteRequired = status === 'not_fixed' || status === 'rejected';
  const options: Option<ReportStatus>[] = next.map((s) => ({
    id: s,
    label: t(`office.reports.action.${s}`),
    text: t.text(`office.reports.action.${s}`),
  }));
  return (
    <section className="panel panel-status" aria-labelledby="report-status-title">
      <h2 id="report-status-title">{t('office.reports.changeStatus')}</h2>
      <Form
        validationBehavior="aria"
        onSubmit={(event) => {
          event.preventDefault();
          action.mutate({
            kind: 'status',
            body: {
              status,
              note: note.trim() || null,
              ...(status === 'not_responsible' ? { responsibleBody: responsibleBody.trim() || null } : {}),
              ...(status === 'duplicate' ? { duplicateOf: duplicateOf.trim() || null } : {}),
            },
          });
        }}
      >
        {action.error ? <FormProblem error={action.error} shownFields={['status', 'note', 'responsibleBody', 'duplicateOf']} /> : null}
        <SelectField label={t('office.reports.newStatus')} value={status} onChange={setStatus} options={options} error={errors.status} />
        {status === 'not_responsible' ? (
          <TextInput
            label={t('office.reports.responsibleBodyField')}
            value={responsibleBody}
            onChange={setResponsibleBody}
            error={errors.responsibleBody}
            isRequired
            maxLength={LIMITS.nameMax}
            dir="auto"
          />
        ) : null}
        {status === 'duplicate' ? (
          <TextInput
            label={t('office.reports.duplicateOfField')}
            value={duplicateOf}
            onChange={(v) => setDuplicateOf(v.replace(/\D/g, ''))}
            error={errors.duplicateOf}
            isRequired
            dir="ltr"
            description={t('office.reports.duplicateOfHint')}
          />
        ) : null}
        <TextInput
          label={t(noteRequired ? 'office.reports.noteRequired' : 'office.reports.noteOptional')}
          value={note}
          onChange={setNote}
          error={errors.note}
          multiline
          isRequired={noteRequired}
          maxLength={LIMITS.descriptionMax}
          description={t('office.reports.noteHint')}
          dir="auto"
        />
        <Button type="submit" className="button" isPending={action.isPending}>
          {t('office.reports.changeStatusSubmit')}
        </Button>
      </Form>
    </section>
  );
}

function Assign({ report: r }: { report: ReportDetail }) {
  const t = useT();
  const { can } = useSession();
  // The work order's own page gives the ids of who holds it now; the report only their names.
  const workOrder = useWorkOrder(r.workOrder?.id, can(PERMISSIONS.workOrdersRead));
  const assignees = useAssignees(can(PERMISSIONS.workOrdersManage));
  const [saved, setSaved] = useState(false);
  const ready = !r.workOrder || !workOrder.isPending || workOrder.fetchStatus === 'idle';
  const w = workOrder.data;
  return (
    <section className="panel panel-assign" aria-labelledby="report-assign-title">
      <h2 id="report-assign-title">{t('office.reports.assign.title')}</h2>
      <p className="field-hint">{t(r.workOrder ? 'office.reports.assign.hintExisting' : 'office.reports.assign.hintNew')}</p>
      {ready ? (
        <AssignForm
          key={w?.id ?? r.workOrder?.id ?? 'new'}
          report={r}
          assignees={assignees.data ?? []}
          onSaving={() => setSaved(false)}
          onSaved={() => setSaved(true)}
          initial={{
            team: w?.team ?? r.workOrder?.team ?? '',
            assigneeId: w?.assignee?.id ?? 'none',
            contractorId: w?.contractor?.id ?? 'none',
            priority: (w?.priority ?? r.workOrder?.priority ?? 'normal') as Priority,
            due: dayOf(r.workOrder ? (w?.dueAt ?? r.workOrder.dueAt) : r.expectedBy),
          }}
        />
      ) : (
        <p className="loading-line" role="status">
          {t('common.loading')}
        </p>
      )}
      {/* Outside the form: a new work order gives the form new starting values, and the notice stays. */}
      <div aria-live="polite">
        {saved ? <p className="notice notice-success notice-compact">{t('office.reports.assign.done')}</p> : null}
      </div>
    </section>
  );
}

interface AssignValues {
  team: string;
  assigneeId: string;
  contractorId: string;
  priority: Priority;
  due: string;
}

function AssignForm({
  report: r,
  assignees,
  initial,
  onSaving,
  onSaved,
}: {
  report: ReportDetail;
  assignees: { id: string; displayName: string; role: string }[];
  initial: AssignValues;
  onSaving(): void;
  onSaved(): void;
}) {
  const t = useT();
  const action = useReportAction(r.id);
  const [values, setValues] = useState(initial);
  const errors = fieldErrorsOf(action.error);
  const none = (key: string): Option<string> => ({ id: 'none', label: t(key), text: t.text(key) });
  const staff = assignees.filter((a) => a.role !== 'contractor' && a.role !== 'viewer');
  const contractors = assignees.filter((a) => a.role === 'contractor');
  const person = (a: { id: string; displayName: string; role: string }): Option<string> => ({
    id: a.id,
    label: (
      <>
        <bdi>{a.displayName}</bdi> <span className="option-hint">{t(`office.role.${a.role}`)}</span>
      </>
    ),
    text: a.displayName,
  });
  return (
    <Form
      validationBehavior="aria"
      onSubmit={(event) => {
        event.preventDefault();
        onSaving();
        action.mutate(
          {
            kind: 'assign',
            body: {
              team: values.team.trim() || null,
              assigneeId: values.assigneeId === 'none' ? null : values.assigneeId,
              contractorId: values.contractorId === 'none' ? null : values.contractorId,
              priority: values.priority,
              dueAt: endOfDay(values.due),
            },
          },
          { onSuccess: onSaved },
        );
      }}
    >
      {action.error ? <FormProblem error={action.error} shownFields={['team', 'assigneeId', 'contractorId', 'priority', 'dueAt']} /> : null}
      <TextInput
        label={t('office.reports.assign.team')}
        value={values.team}
        onChange={(team) => setValues({ ...values, team })}
        error={errors.team}
        maxLength={LIMITS.nameMax}
        dir="auto"
      />
      <SelectField
        label={t('office.reports.assign.assignee')}
        value={values.assigneeId}
        onChange={(assigneeId) => setValues({ ...values, assigneeId })}
        options={[none('office.reports.assign.nobody'), ...staff.map(person)]}
        error={errors.assigneeId}
      />
      <SelectField
        label={t('office.reports.assign.contractor')}
        value={values.contractorId}
        onChange={(contractorId) => setValues({ ...values, contractorId })}
        options={[none('office.reports.assign.noContractor'), ...contractors.map(person)]}
        error={errors.contractorId}
      />
      <div className="field-row">
        <SelectField
          label={t('office.workorders.priority')}
          value={values.priority}
          onChange={(priority) => setValues({ ...values, priority })}
          options={PRIORITIES.map((p) => ({
            id: p,
            label: t(`office.workorders.priorityName.${p}`),
            text: t.text(`office.workorders.priorityName.${p}`),
          }))}
          error={errors.priority}
        />
        <TextInput
          label={t('office.workorders.due')}
          type="date"
          value={values.due}
          onChange={(due) => setValues({ ...values, due })}
          error={errors.dueAt}
        />
      </div>
      <Button type="submit" className="button" isPending={action.isPending}>
        {t(r.workOrder ? 'office.reports.assign.update' : 'office.reports.assign.submit')}
      </Button>
    </Form>
  );
}

function Moderation({ report: r }: { report: ReportDetail }) {
  const t = useT();
  const action = useReportAction(r.id);
  return (
    <section className="panel panel-moderation" aria-labelledby="report-moderation-title">
      <h2 id="report-moderation-title">{t('office.reports.moderation')}</h2>
      <p className="field-hint">{t(r.textHidden ? 'office.reports.textHiddenNotice' : 'office.reports.textShownNotice')}</p>
      {action.error ? <ProblemMessage error={action.error} compact /> : null}
      <Button
        className="button button-secondary"
        onPress={() => action.mutate({ kind: 'moderation', body: { textHidden: !r.textHidden } })}
        isPending={action.isPending}
      >
        {t(r.textHidden ? 'office.reports.showText' : 'office.reports.hideText')}
      </Button>
    </section>
  );
}
