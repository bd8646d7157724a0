/** Pieces every reports page shows: a status, a report in a list, its photos, its history. */
import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { useFormat } from '../../shared/format';
import { useMultilingual, useT } from '../../shared/i18n';
import type { Category, Photo, PublicReport, PublicReportDetail, Status } from './reports-api';
import { OPEN_STATUSES } from './reports-api';

const STATUS_TONE: Record<Status, string> = {
  open: 'open',
  acknowledged: 'progress',
  in_progress: 'progress',
  fixed: 'done',
  closed: 'done',
  not_fixed: 'stopped',
  not_responsible: 'stopped',
  duplicate: 'stopped',
  rejected: 'stopped',
};

export function StatusBadge({ status }: { status: Status }) {
  const t = useT();
  return <span className={`badge status-badge status-${STATUS_TONE[status]}`}>{t(`portal.reports.status.${status}`)}</span>;
}

export const isOpen = (status: Status) => OPEN_STATUSES.includes(status);

/** A left-to-right value (an email, coordinates) isolated inside a message, so a sentence in Arabic keeps its order around it. */
export const ltr = (value: string) => `\u2066${value}\u2069`;

/** Where a report is, in words: its address and district (the map shows the point). */
export function PlaceText({ report }: { report: Pick<PublicReport, 'address' | 'district' | 'location'> }) {
  const t = useT();
  const ml = useMultilingual();
  const district = report.district ? ml(report.district.name) : null;
  if (!report.address && !district) return report.location ? t('portal.reports.place.onMapOnly') : null;
  return (
    <>
      {report.address ? <bdi>{report.address}</bdi> : null}
      {report.address && district ? ' · ' : null}
      {district}
    </>
  );
}

/** One report in a list: category, status, number, date, place, and its first approved photo. */
export function ReportSummary({ report, action, headingLevel = 3 }: { report: PublicReport; action?: ReactNode; headingLevel?: 2 | 3 }) {
  const t = useT();
  const ml = useMultilingual();
  const fmt = useFormat();
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const photo = report.photos[0];
  return (
    <article className="report-summary" aria-labelledby={`report-${report.number}`}>
      {photo ? <img className="report-thumb" src={photo.thumbUrl} alt="" width={72} height={72} loading="lazy" decoding="async" /> : null}
      <div className="report-summary-body">
        <Heading id={`report-${report.number}`} className="report-summary-title">
          <Link to={`/reports/${report.number}`}>{ml(report.category.name)}</Link>
        </Heading>
        <p className="report-meta">
          <StatusBadge status={report.status} />
          {report.isDemo ? <span className="badge badge-demo">{t('common.demo.badge')}</span> : null}
          <span>{t('portal.reports.numberShort', { number: report.number })}</span>
          <time dateTime={report.createdAt}>{fmt.date(report.createdAt)}</time>
        </p>
        <p className="report-place">
          <PlaceText report={report} />
        </p>
        {action}
      </div>
    </article>
  );
}

/** Approved photos (thumbnails; each opens the full image). */
export function PublicPhotos({ photos }: { photos: readonly Photo[] }) {
  const t = useT();
  if (photos.length === 0) return null;
  return (
    <ul className="photo-grid">
      {photos.map((p, i) => (
        <li key={p.id}>
          <a href={p.url} target="_blank" rel="noopener">
            <img src={p.thumbUrl} alt={t.text('portal.reports.photo.alt', { n: i + 1 })} loading="lazy" decoding="async" />
          </a>
        </li>
      ))}
    </ul>
  );
}

/**
 * A photo only its citizen may see yet (not approved): fetched with the secret in a header, then
 * shown from a blob: URL (an <img src> cannot send a header).
 */
export function OwnPhoto({ number, token, photo, alt }: { number: string; token: string; photo: Photo; alt: string }) {
  const blob = useQuery({
    queryKey: ['reports', 'own-photo', number, photo.id],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/reports/{number}/photos/{photoId}', {
          params: { path: { number, photoId: photo.id }, query: { size: 'thumb' }, header: { 'x-report-token': token } },
          parseAs: 'blob',
          signal,
        }),
      ) as Promise<Blob>,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!blob.data) return;
    const made = URL.createObjectURL(blob.data);
    setUrl(made);
    return () => URL.revokeObjectURL(made);
  }, [blob.data]);
  if (!url) return <span className="photo-placeholder" role="img" aria-label={alt} aria-busy={blob.isPending || undefined} />;
  return <img src={url} alt={alt} />;
}

/** The public history: each step with its date, the status it set and what the commune wrote. */
export function Timeline({ updates }: { updates: PublicReportDetail['updates'] }) {
  const fmt = useFormat();
  if (updates.length === 0) return null;
  return (
    <ol className="timeline">
      {updates.map((u, i) => (
        // Updates have no id in the public view; their order is fixed (oldest first).
        // biome-ignore lint/suspicious/noArrayIndexKey: a fixed, append-only history
        <li key={i}>
          <p className="timeline-head">
            <time dateTime={u.at}>{fmt.dateTime(u.at)}</time>
            {u.status ? <StatusBadge status={u.status} /> : null}
          </p>
          {/* Text written by staff or the citizen: rendered as text, line breaks kept by CSS. */}
          {u.text ? (
            <p className="timeline-text" dir="auto">
              {u.text}
            </p>
          ) : null}
        </li>
      ))}
    </ol>
  );
}

/** The categories by code, with their groups in the commune's order. */
export function groupCategories(categories: readonly Category[]): { group: string; items: Category[] }[] {
  const groups: { group: string; items: Category[] }[] = [];
  for (const c of categories) {
    let g = groups.find((x) => x.group === c.group);
    if (!g) {
      g = { group: c.group, items: [] };
      groups.push(g);
    }
    g.items.push(c);
  }
  return groups;
}

/** Groups are codes (lighting, cleanliness…): named by the portal's catalog, "other" for a code it does not know. */
export function useGroupName(): ((group: string) => ReactNode) & { text(group: string): string } {
  const t = useT();
  return useMemo(() => {
    const keyOf = (group: string) => {
      const key = `portal.reports.group.${group}`;
      return t.text(key) === key ? 'portal.reports.group.other' : key;
    };
    return Object.assign((group: string) => t(keyOf(group)), { text: (group: string) => t.text(keyOf(group)) });
  }, [t]);
}

/** A chevron along the reading direction: "back" points to the start (left in French, right in Arabic). */
export function Chevron({ to }: { to: 'back' | 'forward' }) {
  return (
    <svg
      className="icon icon-flip"
      width={18}
      height={18}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={to === 'back' ? 'M15 6l-6 6 6 6' : 'M9 6l6 6-6 6'} />
    </svg>
  );
}
