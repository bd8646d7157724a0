/** /office/outbox (admins): mail and SMS the platform wrote to its data folder, each in its own language and direction. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { api, type ResponseOf, unwrap } from '../../api/client';
import { useFormat } from '../../shared/format';
import { Icon } from '../../shared/Icon';
import { HTML_LANG, isLocale, LOCALE_DIR, useT } from '../../shared/i18n';
import { ProblemMessage } from '../../shared/ProblemMessage';
import { useDocumentTitle } from '../../shared/page';
import { type Option, Pager, SelectField } from '../forms';
import './outbox.css';

type Entry = ResponseOf<'/api/v1/outbox', 'get'>['items'][number];
type Channel = Entry['channel'];
const PAGE = 20;

export function OutboxPage() {
  const t = useT();
  const [params, setParams] = useSearchParams();
  const channelParam = params.get('channel');
  const channel: Channel | 'all' = channelParam === 'mail' || channelParam === 'sms' ? channelParam : 'all';
  const offset = Math.max(0, Number(params.get('offset')) || 0);
  const query = { limit: PAGE, offset, ...(channel !== 'all' ? { channel } : {}) };
  const outbox = useQuery({
    queryKey: ['office', 'outbox', query],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/outbox', { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
  useDocumentTitle(t.text('office.nav.outbox'));
  const change = (next: { channel?: string | null; offset?: number }) => {
    const search = new URLSearchParams(params);
    if (next.channel !== undefined) {
      if (next.channel) search.set('channel', next.channel);
      else search.delete('channel');
    }
    if (next.offset) search.set('offset', String(next.offset));
    else search.delete('offset');
    setParams(search, { replace: true });
  };
  const options: Option<Channel | 'all'>[] = [
    { id: 'all', label: t('office.filter.all'), text: t.text('office.filter.all') },
    { id: 'mail', label: t('office.outbox.channel.mail'), text: t.text('office.outbox.channel.mail') },
    { id: 'sms', label: t('office.outbox.channel.sms'), text: t.text('office.outbox.channel.sms') },
  ];
  return (
    <>
      <h1>{t('office.nav.outbox')}</h1>
      <p className="lead">{t('office.outbox.lead')}</p>
      {outbox.data?.gateway.mail ? <p className="notice notice-compact">{t('office.outbox.mailGateway')}</p> : null}
      {outbox.data?.gateway.sms ? <p className="notice notice-compact">{t('office.outbox.smsGateway')}</p> : null}
      <search className="filters filters-outbox" aria-label={t.text('office.filter.label')}>
        <SelectField
          label={t('office.outbox.channelFilter')}
          value={channel}
          onChange={(c) => change({ channel: c === 'all' ? null : c })}
          options={options}
        />
      </search>
      {outbox.isError ? (
        <ProblemMessage error={outbox.error} onRetry={() => void outbox.refetch()} />
      ) : outbox.isPending ? (
        <p className="loading-line" role="status">
          {t('common.loading')}
        </p>
      ) : (
        <>
          <p className="result-count" aria-live="polite">
            {t('office.outbox.count', { count: outbox.data.page.total })}
          </p>
          {outbox.data.items.length === 0 ? <p className="empty">{t('office.outbox.empty')}</p> : null}
          <ol className="record-list outbox-list">
            {outbox.data.items.map((m) => (
              <li key={`${m.channel}:${m.id}`}>
                <Message entry={m} />
              </li>
            ))}
          </ol>
          <Pager total={outbox.data.page.total} limit={PAGE} offset={offset} onChange={(next) => change({ offset: next })} />
        </>
      )}
    </>
  );
}

function Message({ entry: m }: { entry: Entry }) {
  const t = useT();
  const fmt = useFormat();
  // The message's own language decides its direction; an SMS written without one goes by its first strong letter.
  const language = m.language?.split('-')[0];
  const lang = isLocale(language) ? HTML_LANG[language] : undefined;
  const dir = isLocale(language) ? LOCALE_DIR[language] : 'auto';
  return (
    <article className="outbox-message" aria-label={m.subject ?? t.text(`office.outbox.channel.${m.channel}`)}>
      <p className="outbox-head">
        <span className={`badge outbox-${m.channel}`}>
          <Icon name={m.channel === 'mail' ? 'mail' : 'phone'} size={14} />
          {t(`office.outbox.channel.${m.channel}`)}
        </span>
        <span>
          {t('office.outbox.to')}{' '}
          <bdi dir="ltr" className="outbox-to">
            {m.to}
          </bdi>
        </span>
        <time dateTime={m.at} className="record-meta">
          {fmt.dateTime(m.at)}
        </time>
      </p>
      {m.subject ? (
        <h2 className="outbox-subject" lang={lang} dir={dir}>
          {m.subject}
        </h2>
      ) : null}
      <div className="outbox-text" lang={lang} dir={dir}>
        {m.text}
      </div>
    </article>
  );
}
