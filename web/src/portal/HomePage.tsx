import { useDeferredValue } from 'react';
import { Link } from 'react-router';
import { useCommune } from '../shared/commune';
import { nowIn, useFormat } from '../shared/format';
import { Icon, type IconName } from '../shared/Icon';
import { useMultilingual, useT, useTimeZone } from '../shared/i18n';
import { ProblemMessage } from '../shared/ProblemMessage';
import { useDocumentTitle } from '../shared/page';
import { type Announcement, groupHours, type Office, openStatus, useOffices, usePublishedAnnouncements } from './portal-api';

export function HomePage() {
  const t = useT();
  const ml = useMultilingual();
  const commune = useCommune();
  useDocumentTitle(null);
  const name = ml.text(commune.data?.name);
  return (
    <>
      <section className="hero" aria-labelledby="home-title">
        <h1 id="home-title">{name ? t('portal.home.title', { commune: name }) : t('portal.home.titleGeneric')}</h1>
        <p className="lead">{t('portal.home.lead')}</p>
      </section>
      <Services />
      <News />
      <Offices />
    </>
  );
}

const SERVICES: { id: string; icon: IconName; to?: string }[] = [
  { id: 'procedures', icon: 'document', to: '/services' },
  { id: 'report', icon: 'report', to: '/reports/new' },
  { id: 'reports', icon: 'pin', to: '/reports' },
  { id: 'myReports', icon: 'history', to: '/reports/mine' },
  { id: 'requests', icon: 'inbox', to: '/services/mine' },
  { id: 'map', icon: 'map', to: '/map' },
  { id: 'transport', icon: 'bus' },
  { id: 'opendata', icon: 'data' },
];

function Services() {
  const t = useT();
  return (
    <section className="section" aria-labelledby="services-title">
      <h2 id="services-title">{t('portal.services.title')}</h2>
      <ul className="services">
        {SERVICES.map((s) => {
          const body = (
            <>
              <span className="service-icon">
                <Icon name={s.icon} size={28} />
              </span>
              <span className="service-text">
                <span className="service-name">{t(`portal.services.${s.id}.name`)}</span>
                <span className="service-desc">{t(`portal.services.${s.id}.desc`)}</span>
              </span>
            </>
          );
          return (
            <li key={s.id}>
              {s.to ? (
                <Link className="service service-live" to={s.to}>
                  {body}
                </Link>
              ) : (
                // Not built yet: said plainly, and not a link that leads nowhere.
                <div className="service service-soon" data-disabled="true">
                  {body}
                  <span className="badge badge-soon">{t('portal.services.soon')}</span>
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function News() {
  const t = useT();
  const news = usePublishedAnnouncements();
  // The list renders as a deferred update: React builds it in short slices between the browser's
  // own work, instead of in one long task when the answer arrives (a phone stays responsive).
  const data = useDeferredValue(news.data);
  const items = (data?.pages.flatMap((p) => p.items) ?? []).sort((a, b) => (b.publishedAt ?? '').localeCompare(a.publishedAt ?? ''));
  return (
    <section className="section" aria-labelledby="news-title">
      <h2 id="news-title">{t('portal.news.title')}</h2>
      {data === undefined && !news.isError ? (
        <p className="loading-line pending-news" role="status">
          {t('common.loading')}
        </p>
      ) : news.isError && items.length === 0 ? (
        <ProblemMessage error={news.error} onRetry={() => void news.refetch()} />
      ) : items.length === 0 ? (
        <p className="empty">{t('portal.news.empty')}</p>
      ) : (
        <ol className="news-list">
          {items.map((a) => (
            <li key={a.id}>
              <NewsItem announcement={a} />
            </li>
          ))}
        </ol>
      )}
      {news.isFetchNextPageError ? <ProblemMessage error={news.error} onRetry={() => void news.fetchNextPage()} /> : null}
      {news.hasNextPage ? (
        <button
          type="button"
          className="button button-secondary"
          aria-disabled={news.isFetchingNextPage || undefined}
          data-pending={news.isFetchingNextPage || undefined}
          onClick={() => {
            if (!news.isFetchingNextPage) void news.fetchNextPage();
          }}
        >
          {t('portal.news.more')}
        </button>
      ) : null}
    </section>
  );
}

function NewsItem({ announcement: a }: { announcement: Announcement }) {
  const t = useT();
  const ml = useMultilingual();
  const fmt = useFormat();
  const when = a.publishedAt ?? a.createdAt;
  return (
    <article className="news-item" aria-labelledby={`news-${a.id}`}>
      <h3 id={`news-${a.id}`}>{ml(a.title)}</h3>
      <p className="meta">
        <time dateTime={when}>{fmt.date(when)}</time>
        {a.isDemo ? <span className="badge badge-demo">{t('common.demo.badge')}</span> : null}
      </p>
      {/* Plain text from the office: rendered as text (never HTML), line breaks kept by CSS. */}
      <p className="news-body">{ml(a.body)}</p>
    </article>
  );
}

function Offices() {
  const t = useT();
  const offices = useOffices();
  // Deferred like the news: the cards build in slices, not in one long task.
  const data = useDeferredValue(offices.data);
  return (
    <section className="section" aria-labelledby="offices-title">
      <h2 id="offices-title">{t('portal.offices.title')}</h2>
      {offices.isError && data === undefined ? (
        <ProblemMessage error={offices.error} onRetry={() => void offices.refetch()} />
      ) : data === undefined ? (
        <p className="loading-line pending-offices" role="status">
          {t('common.loading')}
        </p>
      ) : data.length === 0 ? (
        <p className="empty">{t('portal.offices.empty')}</p>
      ) : (
        <ul className="offices">
          {data.map((o) => (
            <li key={o.id}>
              <OfficeCard office={o} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function OfficeCard({ office: o }: { office: Office }) {
  const t = useT();
  const ml = useMultilingual();
  const fmt = useFormat();
  const timeZone = useTimeZone();
  const status = o.hours.length > 0 ? openStatus(o.hours, nowIn(timeZone)) : null;
  const address = ml(o.address);
  const note = ml(o.note);
  return (
    <article className="office-card" aria-labelledby={`office-${o.id}`}>
      <header className="office-head">
        <h3 id={`office-${o.id}`}>{ml(o.name)}</h3>
        {o.isDemo ? <span className="badge badge-demo">{t('common.demo.badge')}</span> : null}
      </header>
      {status ? (
        <p className={status.open ? 'open-status is-open' : 'open-status is-closed'}>
          {status.open ? t('portal.offices.openNow', { closes: fmt.clock(status.closes) }) : t('portal.offices.closedNow')}
        </p>
      ) : null}
      <ul className="contact">
        {address ? (
          <li>
            <Icon name="pin" size={20} />
            <span>
              <span className="visually-hidden">{t('portal.offices.address')} </span>
              {address}
            </span>
          </li>
        ) : null}
        {o.phone ? (
          <li>
            <Icon name="phone" size={20} />
            <a href={`tel:${o.phone.replace(/[^+\d]/g, '')}`}>
              <span className="visually-hidden">{t('portal.offices.phone')} </span>
              <span dir="ltr">{o.phone}</span>
            </a>
          </li>
        ) : null}
        {o.email ? (
          <li>
            <Icon name="mail" size={20} />
            <a href={`mailto:${o.email}`}>
              <span className="visually-hidden">{t('portal.offices.email')} </span>
              <span dir="ltr">{o.email}</span>
            </a>
          </li>
        ) : null}
      </ul>
      {o.hours.length > 0 ? (
        <table className="hours">
          <caption>{t('portal.offices.hours')}</caption>
          <tbody>
            {groupHours(o.hours).map((g) => (
              <tr key={g.from}>
                <th scope="row">{g.from === g.to ? fmt.weekday(g.from) : fmt.weekdayRange(g.from, g.to)}</th>
                <td>
                  {g.ranges.length === 0
                    ? t('portal.offices.closed')
                    : g.ranges.map(([opens, closes]) => (
                        <span key={opens} className="hours-range">
                          {t('common.time.range', { opens: fmt.clock(opens), closes: fmt.clock(closes) })}
                        </span>
                      ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {note ? <p className="office-note">{note}</p> : null}
    </article>
  );
}
