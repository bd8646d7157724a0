import { useMemo, useState } from 'react';
import { Button, Tab, TabList, TabPanel, Tabs } from 'react-aria-components';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { LIMITS } from '../../../src/platform/limits';
import type { Announcement } from '../portal/portal-api';
import { makeFormatters, useFormat } from '../shared/format';
import { Icon } from '../shared/Icon';
import {
  ENDONYMS,
  HTML_LANG,
  LOCALE_DIR,
  LOCALES,
  type Locale,
  languageName,
  type Multilingual,
  pickText,
  useLocale,
  useMultilingual,
  useT,
  useTimeZone,
} from '../shared/i18n';
import { ProblemMessage } from '../shared/ProblemMessage';
import { NotFoundPage, useDocumentTitle } from '../shared/page';
import { cleanMultilingual, FormProblem, fieldErrorsOf, LanguageColumns, type Option, Pager, SelectField } from './forms';
import { type AnnouncementStatus, useManagedAnnouncements, useSaveAnnouncement } from './portal-admin-api';

const STATUSES: AnnouncementStatus[] = ['draft', 'published', 'archived'];
const PAGE = 50;

export function AnnouncementsPage() {
  const t = useT();
  const ml = useMultilingual();
  const fmt = useFormat();
  const [status, setStatus] = useState<AnnouncementStatus | 'all'>('all');
  const [offset, setOffset] = useState(0);
  const list = useManagedAnnouncements(status === 'all' ? null : status, { limit: PAGE, offset });
  useDocumentTitle(t.text('office.nav.announcements'));
  const options: Option<AnnouncementStatus | 'all'>[] = [
    { id: 'all', label: t('office.filter.all'), text: t.text('office.filter.all') },
    ...STATUSES.map((s) => ({ id: s, label: t(`office.announcements.status.${s}`), text: t.text(`office.announcements.status.${s}`) })),
  ];
  return (
    <>
      <div className="page-head">
        <h1>{t('office.nav.announcements')}</h1>
        <Link className="button" to="/office/announcements/new">
          <Icon name="plus" size={20} />
          {t('office.announcements.create')}
        </Link>
      </div>
      <search className="filters" aria-label={t.text('office.filter.label')}>
        <SelectField
          label={t('office.announcements.statusFilter')}
          value={status}
          onChange={(next) => {
            setStatus(next);
            setOffset(0);
          }}
          options={options}
        />
      </search>
      {list.isError ? (
        <ProblemMessage error={list.error} onRetry={() => void list.refetch()} />
      ) : list.isPending ? (
        <p className="loading-line" role="status">
          {t('common.loading')}
        </p>
      ) : list.data.items.length === 0 ? (
        <p className="empty">{t('office.announcements.empty')}</p>
      ) : (
        <ul className="record-list">
          {list.data.items.map((a) => (
            <li key={a.id} className="record">
              <div className="record-main">
                <p className="record-title">
                  {ml(a.title)} <StatusBadge status={a.status} />
                  {a.isDemo ? <span className="badge badge-demo">{t('common.demo.badge')}</span> : null}
                </p>
                <p className="record-meta">
                  {a.publishedAt
                    ? t('office.announcements.publishedOn', { when: fmt.date(a.publishedAt) })
                    : t('office.announcements.updatedOn', { when: fmt.date(a.updatedAt) })}
                  {a.author ? <> · {t('office.announcements.by', { name: a.author.displayName })}</> : null}
                </p>
                <p className="record-meta">
                  {LOCALES.filter((l) => pickText(a.title, l, [])?.locale === l).map((l) => (
                    <span key={l} className="badge badge-lang" lang={HTML_LANG[l]} dir={LOCALE_DIR[l]}>
                      {ENDONYMS[l]}
                    </span>
                  ))}
                </p>
              </div>
              <Link
                className="button button-secondary button-small"
                to={`/office/announcements/${a.id}`}
                state={{ announcement: a }}
                aria-label={t.text('office.announcements.editNamed', { title: ml.text(a.title) })}
              >
                {t('common.action.edit')}
              </Link>
            </li>
          ))}
        </ul>
      )}
      {list.data ? <Pager total={list.data.page.total} limit={PAGE} offset={offset} onChange={setOffset} /> : null}
    </>
  );
}

function StatusBadge({ status }: { status: AnnouncementStatus }) {
  const t = useT();
  return <span className={`badge badge-status badge-${status}`}>{t(`office.announcements.status.${status}`)}</span>;
}

/** /office/announcements/new and /office/announcements/:id */
export function AnnouncementEditor() {
  const t = useT();
  const { id } = useParams();
  const location = useLocation();
  const passed = (location.state as { announcement?: Announcement } | null)?.announcement;
  const fromState = passed && passed.id === id ? passed : undefined;
  // Opened from the list, the announcement comes with the navigation; opened by its address, it is
  // looked up among the latest ones (the API has no staff read of a single draft).
  const list = useManagedAnnouncements(null, { limit: LIMITS.pageSizeMax, offset: 0 }, !!id && !fromState);
  const existing = fromState ?? list.data?.items.find((a) => a.id === id);
  if (id && !existing) {
    if (list.isError) return <ProblemMessage error={list.error} onRetry={() => void list.refetch()} />;
    if (list.isPending || list.isFetching)
      return (
        <p className="loading-line" role="status">
          {t('common.loading')}
        </p>
      );
    return <NotFoundPage home="/office/announcements" />;
  }
  const saved = (location.state as { saved?: AnnouncementStatus } | null)?.saved ?? null;
  return <EditorForm key={existing?.id ?? 'new'} existing={existing ?? null} justSaved={saved} />;
}

function EditorForm({ existing, justSaved }: { existing: Announcement | null; justSaved: AnnouncementStatus | null }) {
  const t = useT();
  const navigate = useNavigate();
  const save = useSaveAnnouncement();
  const [title, setTitle] = useState<Multilingual>(existing?.title ?? {});
  const [body, setBody] = useState<Multilingual>(existing?.body ?? {});
  const [saved, setSaved] = useState<AnnouncementStatus | null>(justSaved);
  const [missing, setMissing] = useState(false);
  const errors = fieldErrorsOf(save.error);
  const status = existing?.status ?? null;
  useDocumentTitle(t.text(existing ? 'office.announcements.editTitle' : 'office.announcements.create'));

  const handleSave = (next: AnnouncementStatus | null) => {
    setSaved(null);
    const content = { title: cleanMultilingual(title), body: cleanMultilingual(body) };
    // Said here in plain words rather than as the server's "/body/title is not valid".
    const incomplete = Object.keys(content.title).length === 0 || Object.keys(content.body).length === 0;
    setMissing(incomplete);
    if (incomplete) return;
    const onSuccess = (announcement: Announcement) => {
      setSaved(announcement.status);
      if (!existing)
        navigate(`/office/announcements/${announcement.id}`, { replace: true, state: { announcement, saved: announcement.status } });
    };
    if (existing) save.mutate({ id: existing.id, body: { ...content, ...(next ? { status: next } : {}) } }, { onSuccess });
    else save.mutate({ id: null, body: { ...content, status: next === 'published' ? 'published' : 'draft' } }, { onSuccess });
  };

  return (
    <>
      <div className="page-head">
        <h1>{t(existing ? 'office.announcements.editTitle' : 'office.announcements.create')}</h1>
        {status ? <StatusBadge status={status} /> : null}
      </div>
      <p>
        <Link to="/office/announcements">{t('office.announcements.backToList')}</Link>
      </p>
      {save.error ? <FormProblem error={save.error} shownFields={['title', 'body']} /> : null}
      {missing ? (
        <p className="notice notice-error" role="alert">
          {t('office.announcements.missingText')}
        </p>
      ) : null}
      {saved ? (
        <p className="notice notice-success" role="status">
          {t(`office.announcements.saved.${saved}`)}
        </p>
      ) : null}
      <p className="field-hint">{t('office.announcements.languagesHint')}</p>
      {errors.title ? <p className="field-error">{errors.title}</p> : null}
      {errors.body ? <p className="field-error">{errors.body}</p> : null}
      <LanguageColumns
        errors={errors}
        fields={[
          {
            name: 'title',
            label: t('office.announcements.field.title'),
            value: title,
            onChange: setTitle,
            maxLength: LIMITS.announcementTitleMax,
          },
          {
            name: 'body',
            label: t('office.announcements.field.body'),
            value: body,
            onChange: setBody,
            maxLength: LIMITS.announcementBodyMax,
            multiline: true,
          },
        ]}
      />
      <section className="section" aria-labelledby="preview-title">
        <h2 id="preview-title">{t('office.announcements.preview')}</h2>
        <Preview title={title} body={body} publishedAt={existing?.publishedAt ?? null} />
      </section>
      <div className="form-actions sticky-actions">
        {status === 'published' ? (
          <>
            <Button className="button" onPress={() => handleSave(null)} isPending={save.isPending}>
              {t('office.announcements.action.save')}
            </Button>
            <Button className="button button-secondary" onPress={() => handleSave('archived')} isPending={save.isPending}>
              {t('office.announcements.action.archive')}
            </Button>
          </>
        ) : (
          <>
            <Button className="button button-secondary" onPress={() => handleSave('draft')} isPending={save.isPending}>
              {t('office.announcements.action.draft')}
            </Button>
            <Button className="button" onPress={() => handleSave('published')} isPending={save.isPending}>
              {t('office.announcements.action.publish')}
            </Button>
            {status === 'draft' ? (
              <Button className="button button-secondary" onPress={() => handleSave('archived')} isPending={save.isPending}>
                {t('office.announcements.action.archive')}
              </Button>
            ) : null}
          </>
        )}
      </div>
    </>
  );
}

/** The announcement as citizens will see it, in each language (with the fallback they would get). */
function Preview({ title, body, publishedAt }: { title: Multilingual; body: Multilingual; publishedAt: string | null }) {
  const t = useT();
  const locale = useLocale();
  const timeZone = useTimeZone();
  const when = useMemo(() => publishedAt ?? new Date().toISOString(), [publishedAt]);
  return (
    <Tabs className="preview-tabs" defaultSelectedKey={locale}>
      <TabList className="preview-tablist" aria-label={t.text('office.announcements.preview')}>
        {LOCALES.map((l) => (
          <Tab key={l} id={l} className="preview-tab">
            <span lang={HTML_LANG[l]} dir={LOCALE_DIR[l]}>
              {ENDONYMS[l]}
            </span>
          </Tab>
        ))}
      </TabList>
      {LOCALES.map((l) => (
        <TabPanel key={l} id={l} className="preview-panel">
          <PreviewCard
            title={title}
            body={body}
            locale={l}
            when={when}
            timeZone={timeZone}
            uiLocale={locale}
            emptyLabel={t('office.announcements.previewEmpty')}
          />
        </TabPanel>
      ))}
    </Tabs>
  );
}

const FALLBACK_ORDER: Locale[] = ['ar', 'fr', 'zgh', 'en'];

function PreviewCard({
  title,
  body,
  locale,
  when,
  timeZone,
  uiLocale,
  emptyLabel,
}: {
  title: Multilingual;
  body: Multilingual;
  locale: Locale;
  when: string;
  timeZone: string;
  uiLocale: Locale;
  emptyLabel: React.ReactNode;
}) {
  const t = useT();
  const pickedTitle = pickText(title, locale, FALLBACK_ORDER);
  const pickedBody = pickText(body, locale, FALLBACK_ORDER);
  const fallbackFrom = [pickedTitle, pickedBody].find((p) => p && p.locale !== locale)?.locale;
  if (!pickedTitle && !pickedBody) return <p className="empty">{emptyLabel}</p>;
  const part = (picked: { text: string; locale: Locale } | undefined) =>
    picked ? (
      <span
        lang={HTML_LANG[picked.locale]}
        dir={LOCALE_DIR[picked.locale]}
        className={picked.locale !== locale ? 'i18n-fallback' : undefined}
      >
        {picked.text}
      </span>
    ) : null;
  return (
    <div lang={HTML_LANG[locale]} dir={LOCALE_DIR[locale]} className="preview-card">
      {fallbackFrom ? (
        <p className="notice notice-compact" lang={HTML_LANG[uiLocale]} dir={LOCALE_DIR[uiLocale]}>
          {t('office.announcements.previewFallback', { language: languageName(uiLocale, fallbackFrom) })}
        </p>
      ) : null}
      <article className="news-item">
        <h3>{part(pickedTitle)}</h3>
        <p className="meta">
          <time dateTime={when}>{makeFormatters(locale, timeZone).date(when)}</time>
        </p>
        <p className="news-body">{part(pickedBody)}</p>
      </article>
    </div>
  );
}
