/** /office/eservices: the requests of the user's departments, filtered in the address (status, procedure, assignment, overdue). */
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { LIMITS } from '../../../../src/platform/limits';
import { REQUEST_STATUSES, type RequestStatus } from '../../portal/eservices/eservices-api';
import { RequestStatusBadge } from '../../portal/eservices/service-bits';
import { useFormat } from '../../shared/format';
import { useMultilingual, useT } from '../../shared/i18n';
import { ProblemMessage } from '../../shared/ProblemMessage';
import { useDocumentTitle } from '../../shared/page';
import { CheckboxField, type Option, Pager, SelectField, TextInput } from '../forms';
import { PERMISSIONS, useSession } from '../session';
import { type QueueItem, type QueueQuery, useCatalog, useQueue } from './eservices-api';
import { EservicesNav, OverdueMark } from './office-bits';

const PAGE = 25;

/** Where the commune still has something to do (or the citizen, within a delay it tracks). */
const OPEN: readonly RequestStatus[] = [
  'incomplete',
  'submitted',
  'under_review',
  'needs_completion',
  'approved',
  'deemed_approved',
  'appealed',
  'appeal_escalated',
];

export function QueuePage() {
  const t = useT();
  const ml = useMultilingual();
  const { can } = useSession();
  const [params, setParams] = useSearchParams();
  const catalog = useCatalog(can(PERMISSIONS.eservicesCatalog));
  useDocumentTitle(t.text('services.office.queue'));
  const status = params.get('status') ?? 'open';
  const procedure = params.get('procedure') ?? 'all';
  const assignedParam = params.get('assigned');
  const assigned: 'any' | 'me' | 'none' = assignedParam === 'me' || assignedParam === 'none' ? assignedParam : 'any';
  const overdue = params.get('overdue') === '1';
  const q = params.get('q') ?? '';
  const offset = Math.max(0, Number(params.get('offset')) || 0);

  const [typed, setTyped] = useState(q);
  useEffect(() => setTyped(q), [q]);

  const change = (next: Record<string, string | null>) => {
    const search = new URLSearchParams(params);
    for (const [key, value] of Object.entries(next)) {
      if (value === null) search.delete(key);
      else search.set(key, value);
    }
    if (!('offset' in next)) search.delete('offset');
    setParams(search, { replace: true });
  };

  useEffect(() => {
    if (typed === q) return;
    const timer = setTimeout(() => change({ q: typed.trim() ? typed : null }), 350);
    return () => clearTimeout(timer);
  });

  const query: QueueQuery = {
    limit: PAGE,
    offset,
    ...(status === 'open' ? { status: OPEN.join(',') } : status !== 'all' ? { status } : {}),
    ...(procedure !== 'all' ? { procedure } : {}),
    ...(assigned !== 'any' ? { assigned } : {}),
    ...(overdue ? { overdue: true } : {}),
    ...(q.trim() ? { q: q.trim().slice(0, LIMITS.searchMax) } : {}),
  };
  const list = useQueue(query);

  const statusOptions: Option<string>[] = [
    { id: 'open', label: t('services.office.filter.open'), text: t.text('services.office.filter.open') },
    { id: 'all', label: t('office.filter.all'), text: t.text('office.filter.all') },
    ...REQUEST_STATUSES.filter((s) => s !== 'draft').map((s) => ({
      id: s,
      label: t(`services.status.${s}`),
      text: t.text(`services.status.${s}`),
    })),
  ];
  const procedureOptions: Option<string>[] = [
    { id: 'all', label: t('office.filter.all'), text: t.text('office.filter.all') },
    ...(catalog.data ?? []).map((p) => ({ id: p.code, label: ml(p.name), text: ml.text(p.name) })),
  ];
  if (procedure !== 'all' && !procedureOptions.some((o) => o.id === procedure))
    procedureOptions.push({ id: procedure, label: procedure, text: procedure });
  const assignedOptions: Option<'any' | 'me' | 'none'>[] = (['any', 'me', 'none'] as const).map((a) => ({
    id: a,
    label: t(`services.office.assigned.${a}`),
    text: t.text(`services.office.assigned.${a}`),
  }));

  return (
    <>
      <h1>{t('services.office.queue')}</h1>
      <EservicesNav />
      {can(PERMISSIONS.eservicesCounter) ? (
        <p>
          <Link className="button button-secondary" to="/office/eservices/counter">
            {t('services.office.counter.title')}
          </Link>
        </p>
      ) : null}
      <search className="filters" aria-label={t.text('office.filter.label')}>
        <TextInput
          className="field-wide"
          type="search"
          label={t('services.office.filter.search')}
          value={typed}
          onChange={setTyped}
          dir="auto"
        />
        <SelectField
          label={t('services.office.filter.status')}
          value={status}
          onChange={(s) => change({ status: s === 'open' ? null : s })}
          options={statusOptions}
        />
        <SelectField
          label={t('services.office.filter.procedure')}
          value={procedure}
          onChange={(p) => change({ procedure: p === 'all' ? null : p })}
          options={procedureOptions}
        />
        <SelectField
          label={t('services.office.filter.assigned')}
          value={assigned}
          onChange={(a) => change({ assigned: a === 'any' ? null : a })}
          options={assignedOptions}
        />
        <div className="field filters-check">
          <CheckboxField
            label={t('services.office.filter.overdue')}
            isSelected={overdue}
            onChange={(on) => change({ overdue: on ? '1' : null })}
          />
        </div>
      </search>
      {list.isError ? (
        <ProblemMessage error={list.error} onRetry={() => void list.refetch()} />
      ) : list.isPending ? (
        <p className="loading-line" role="status">
          {t('common.loading')}
        </p>
      ) : (
        <>
          <p className="result-count" aria-live="polite">
            {t('services.office.count', { count: list.data.total })}
          </p>
          {list.data.items.length === 0 ? <p className="empty">{t('services.office.empty')}</p> : null}
          <ul className="record-list request-list">
            {list.data.items.map((r) => (
              <li key={r.id} className={r.overdue ? 'record request-row is-overdue' : 'record request-row'}>
                <RequestRow request={r} />
              </li>
            ))}
          </ul>
          <Pager total={list.data.total} limit={PAGE} offset={offset} onChange={(next) => change({ offset: next ? String(next) : null })} />
        </>
      )}
    </>
  );
}

function RequestRow({ request: r }: { request: QueueItem }) {
  const t = useT();
  const ml = useMultilingual();
  const fmt = useFormat();
  return (
    <div className="record-main">
      <p className="record-title">
        <Link to={`/office/eservices/${r.id}`} className="report-link">
          <span className="report-number" dir="ltr">
            {r.number}
          </span>
          <span>{ml(r.procedure.name)}</span>
        </Link>
      </p>
      <p className="record-badges">
        <RequestStatusBadge status={r.status} />
        {r.overdue ? <OverdueMark /> : null}
        {r.channel === 'counter' ? <span className="badge">{t('services.office.channel.counter')}</span> : null}
      </p>
      <p className="record-meta">
        <bdi>{r.applicantName}</bdi>
        {' · '}
        <time dateTime={r.createdAt}>{fmt.date(r.createdAt)}</time>
        {r.deadlineAt ? (
          <>
            {' · '}
            <span className={r.overdue ? 'due-late' : undefined}>{t('services.office.dueOn', { date: fmt.date(r.deadlineAt) })}</span>
          </>
        ) : null}
        {' · '}
        {r.assignee ? <bdi>{r.assignee.name}</bdi> : t('services.office.unassigned')}
      </p>
    </div>
  );
}
