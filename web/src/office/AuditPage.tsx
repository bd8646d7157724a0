import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useSearchParams } from 'react-router';
import { api, type ResponseOf, unwrap } from '../api/client';
import { useFormat } from '../shared/format';
import { useT } from '../shared/i18n';
import { ProblemMessage } from '../shared/ProblemMessage';
import { useDocumentTitle } from '../shared/page';
import { fieldErrorsOf, Pager, TextInput } from './forms';

type AuditEvent = ResponseOf<'/api/v1/audit/events', 'get'>['items'][number];
const PAGE = 20;
const FILTERS = ['action', 'entityType', 'entityId', 'from', 'to'] as const;
type Filter = (typeof FILTERS)[number];

/** A day typed in the filter ('YYYY-MM-DD', the user's clock) as the instant it starts or ends. */
function dayBound(day: string, end: boolean): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const date = new Date(`${day}T${end ? '23:59:59.999' : '00:00:00'}`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function AuditPage() {
  const t = useT();
  const [params, setParams] = useSearchParams();
  const applied = Object.fromEntries(FILTERS.map((f) => [f, params.get(f) ?? ''])) as Record<Filter, string>;
  const offset = Math.max(0, Number(params.get('offset')) || 0);
  const [draft, setDraft] = useState(applied);
  useDocumentTitle(t.text('office.nav.audit'));

  const query = {
    limit: PAGE,
    offset,
    ...(applied.action ? { action: applied.action } : {}),
    ...(applied.entityType ? { entityType: applied.entityType } : {}),
    ...(applied.entityId ? { entityId: applied.entityId } : {}),
    ...(dayBound(applied.from, false) ? { from: dayBound(applied.from, false) } : {}),
    ...(dayBound(applied.to, true) ? { to: dayBound(applied.to, true) } : {}),
  };
  const events = useQuery({
    queryKey: ['office', 'audit', query],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/audit/events', { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
  const errors = fieldErrorsOf(events.error);

  const apply = (next: Record<Filter, string>, nextOffset = 0) => {
    const search = new URLSearchParams();
    for (const f of FILTERS) if (next[f].trim()) search.set(f, next[f].trim());
    if (nextOffset) search.set('offset', String(nextOffset));
    setParams(search);
  };

  return (
    <>
      <h1>{t('office.nav.audit')}</h1>
      <Form
        role="search"
        aria-label={t.text('office.filter.label')}
        className="filters filters-audit"
        validationBehavior="aria"
        onSubmit={(event) => {
          event.preventDefault();
          apply(draft);
        }}
      >
        <TextInput
          label={t('office.audit.action')}
          value={draft.action}
          onChange={(action) => setDraft({ ...draft, action })}
          error={errors.action}
          description={t('office.audit.actionHint')}
          dir="ltr"
          className="field-wide"
        />
        <TextInput
          label={t('office.audit.entityType')}
          value={draft.entityType}
          onChange={(entityType) => setDraft({ ...draft, entityType })}
          error={errors.entityType}
          dir="ltr"
          className="field-wide"
        />
        <TextInput
          label={t('office.audit.entityId')}
          value={draft.entityId}
          onChange={(entityId) => setDraft({ ...draft, entityId })}
          error={errors.entityId}
          dir="ltr"
          className="field-wide"
        />
        <TextInput
          label={t('office.audit.from')}
          type="date"
          value={draft.from}
          onChange={(from) => setDraft({ ...draft, from })}
          error={errors.from}
        />
        <TextInput
          label={t('office.audit.to')}
          type="date"
          value={draft.to}
          onChange={(to) => setDraft({ ...draft, to })}
          error={errors.to}
        />
        <div className="form-actions filters-actions">
          <Button type="submit" className="button">
            {t('office.filter.apply')}
          </Button>
          <Button
            className="button button-secondary"
            onPress={() => {
              const empty = { action: '', entityType: '', entityId: '', from: '', to: '' };
              setDraft(empty);
              apply(empty);
            }}
          >
            {t('office.filter.reset')}
          </Button>
        </div>
      </Form>
      {events.isError ? (
        <ProblemMessage error={events.error} onRetry={() => void events.refetch()} />
      ) : events.isPending ? (
        <p className="loading-line" role="status">
          {t('common.loading')}
        </p>
      ) : (
        <>
          <p className="result-count" aria-live="polite">
            {t('office.audit.count', { count: events.data.page.total })}
          </p>
          {events.data.items.length === 0 ? <p className="empty">{t('office.audit.empty')}</p> : null}
          <ol className="record-list audit-list">
            {events.data.items.map((e) => (
              <li key={e.id} className="record audit-event">
                <AuditEntry event={e} />
              </li>
            ))}
          </ol>
          <Pager total={events.data.page.total} limit={PAGE} offset={offset} onChange={(next) => apply(applied, next)} />
        </>
      )}
    </>
  );
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** Top-level keys whose value differs between before and after. */
function changedKeys(before: unknown, after: unknown): string[] {
  const obj = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const b = obj(before);
  const a = obj(after);
  return [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => json(b[k]) !== json(a[k]));
}

function AuditEntry({ event: e }: { event: AuditEvent }) {
  const t = useT();
  const fmt = useFormat();
  const hasData = e.before != null || e.after != null;
  const changed = e.before != null && e.after != null ? changedKeys(e.before, e.after) : [];
  return (
    <div className="record-main">
      <p className="record-title">
        <code dir="ltr">{e.action}</code>
      </p>
      <p className="record-meta">
        <time dateTime={e.at}>{fmt.dateTime(e.at)}</time> · {t('office.audit.by', { actor: e.actorLabel })}
      </p>
      <p className="record-meta">
        {t('office.audit.entity')}{' '}
        <code dir="ltr">
          {e.entityType}
          {e.entityId ? ` ${e.entityId}` : ''}
        </code>
      </p>
      {e.requestId || e.ip ? (
        <p className="record-meta">
          {e.ip ? (
            <span>
              {t('office.audit.ip')} <code dir="ltr">{e.ip}</code>{' '}
            </span>
          ) : null}
          {e.requestId ? (
            <span>
              {t('office.audit.requestId')} <code dir="ltr">{e.requestId}</code>
            </span>
          ) : null}
        </p>
      ) : null}
      {hasData ? (
        <details className="audit-details">
          <summary>{t('office.audit.details')}</summary>
          {changed.length > 0 ? (
            <p className="record-meta">
              {t('office.audit.changed')} <code dir="ltr">{changed.join(', ')}</code>
            </p>
          ) : null}
          <div className="audit-diff">
            <figure>
              <figcaption>{t('office.audit.before')}</figcaption>
              <pre dir="ltr">{e.before == null ? '—' : json(e.before)}</pre>
            </figure>
            <figure>
              <figcaption>{t('office.audit.after')}</figcaption>
              <pre dir="ltr">{e.after == null ? '—' : json(e.after)}</pre>
            </figure>
          </div>
        </details>
      ) : null}
    </div>
  );
}
