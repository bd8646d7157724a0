/** The steps of "report a problem" (NewReportPage holds the draft, the order and the sending). */
import { useQuery } from '@tanstack/react-query';
import { type ReactNode, type RefObject, Suspense, useId, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import { ProblemError } from '../../api/client';
import { ErrorBoundary } from '../../shared/ErrorBoundary';
import { Icon } from '../../shared/Icon';
import { useLocale, useMultilingual, useT } from '../../shared/i18n';
import { lazyRetry } from '../../shared/lazy';
import { ProblemMessage } from '../../shared/ProblemMessage';
import { AttributeFields } from './AttributeFields';
import { type Draft, type PlaceMode, pendingPhotos } from './draft';
import { FormProblem, SelectField, serverFieldErrors, TextField, useProblemText } from './fields';
import type { Step } from './NewReportPage';
import { PhotoPicker } from './PhotoPicker';
import { Chevron, groupCategories, ltr, ReportSummary, useGroupName } from './report-bits';
import { type Category, nearbyQuery, PHOTOS_MAX, useDistricts, useFollow } from './reports-api';
import { checkAddress, checkAnswers, checkContact, checkDescription, checkEmail, type FieldProblem, LIMITS } from './validate';

// MapLibre (~800 kB) comes only with the map, on the place step, never on the first screen.
const PlacePicker = lazyRetry(() => import('./PlacePicker'));

interface StepProps {
  headingRef: RefObject<HTMLHeadingElement | null>;
  draft: Draft;
  update(patch: Partial<Draft>): void;
  submitError: unknown;
}

function StepHeading({ headingRef, children, id }: { headingRef: StepProps['headingRef']; children: ReactNode; id: string }) {
  return (
    <h2 id={id} ref={headingRef} tabIndex={-1} className="step-title">
      {children}
    </h2>
  );
}

function StepNav({ onBack, next }: { onBack?: () => void; next: ReactNode }) {
  const t = useT();
  return (
    <div className="step-nav">
      {next}
      {onBack ? (
        <button type="button" className="button button-quiet" onClick={onBack}>
          <Chevron to="back" />
          {t('portal.reports.new.back')}
        </button>
      ) : null}
    </div>
  );
}

/** Moves focus to the first field marked invalid (after a check on "next"). */
function focusFirstInvalid(container: HTMLElement | null) {
  const field = container?.querySelector<HTMLElement>('[aria-invalid="true"]');
  field?.focus();
}

// ---------------------------------------------------------------------------------------------
// 1. Category

/** Lower case, without Arabic diacritics and tatweel, Arabic letter variants folded, Latin accents removed. */
export function searchable(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f\u064B-\u065F\u0670\u0640]/g, '')
    .replace(/[أإآٱ]/g, 'ا')
    .replace(/ى/g, 'ي')
    .replace(/ة/g, 'ه')
    .toLowerCase()
    .trim();
}

export function CategoryStep({
  headingRef,
  draft,
  categories,
  onChoose,
}: StepProps & { categories: readonly Category[]; onChoose(code: string): void }) {
  const t = useT();
  const ml = useMultilingual();
  const groupName = useGroupName();
  const [query, setQuery] = useState('');
  const wanted = searchable(query);
  const shown = useMemo(() => {
    if (!wanted) return categories;
    return categories.filter((c) =>
      [...Object.values(c.name), ...Object.values(c.description ?? {}), ...c.keywords].some((s) => s && searchable(s).includes(wanted)),
    );
  }, [categories, wanted]);
  const groups = groupCategories(shown);
  return (
    <section aria-labelledby="step-category">
      <StepHeading headingRef={headingRef} id="step-category">
        {t('portal.reports.category.title')}
      </StepHeading>
      <TextField
        type="search"
        label={t('portal.reports.category.search')}
        showOptional={false}
        value={query}
        onChange={setQuery}
        hint={t('portal.reports.category.searchHint')}
        className="category-search"
      />
      <p className="visually-hidden" role="status">
        {wanted ? t('portal.reports.category.found', { count: shown.length }) : ''}
      </p>
      {groups.length === 0 ? <p className="empty">{t('portal.reports.category.none')}</p> : null}
      {groups.map((g) => (
        <section key={g.group} className="category-group" aria-labelledby={`group-${g.group}`}>
          <h3 id={`group-${g.group}`}>{groupName(g.group)}</h3>
          <ul className="category-list">
            {g.items.map((c) => {
              const selected = c.code === draft.category;
              return (
                <li key={c.code}>
                  <button
                    type="button"
                    className={selected ? 'category-choice is-selected' : 'category-choice'}
                    onClick={() => onChoose(c.code)}
                  >
                    <span className="category-name">{ml(c.name)}</span>
                    {c.description ? <span className="category-desc">{ml(c.description)}</span> : null}
                    {!c.isPublic ? <span className="category-private">{t('portal.reports.category.private')}</span> : null}
                    {selected ? (
                      <span className="category-selected">
                        <Icon name="check" size={18} />
                        {t('portal.reports.category.selected')}
                      </span>
                    ) : null}
                  </button>
                </li>
              );
            })}
          </ul>
        </section>
      ))}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------
// 2. Place

function supportsWebGL(): boolean {
  try {
    const canvas = document.createElement('canvas');
    return Boolean(canvas.getContext('webgl2') ?? canvas.getContext('webgl'));
  } catch {
    return false;
  }
}

type GeoState = 'idle' | 'locating' | 'found' | 'denied' | 'unavailable';

export function PlaceStep({
  headingRef,
  draft,
  update,
  submitError,
  clearError,
  onNext,
  onBack,
}: StepProps & { category: Category; clearError(): void; onNext(): Promise<void>; onBack(): void }) {
  const t = useT();
  const locale = useLocale();
  const ml = useMultilingual();
  const problemText = useProblemText();
  const districts = useDistricts();
  const container = useRef<HTMLElement>(null);
  const modeName = useId();
  const [addressProblem, setAddressProblem] = useState<FieldProblem | undefined>();
  const [geo, setGeo] = useState<{ state: GeoState; accuracy?: number }>({ state: 'idle' });
  const [checking, setChecking] = useState(false);
  const webgl = useMemo(supportsWebGL, []);
  const mode: PlaceMode = webgl ? draft.mode : 'address';
  const canLocate = typeof navigator !== 'undefined' && 'geolocation' in navigator;

  const server = serverFieldErrors(submitError);
  const placeFields = ['location', 'address', 'districtId'];
  const placeError = Object.keys(server).some((k) => placeFields.includes(k.split('.')[0] ?? '')) ? submitError : null;

  const setLocation = (location: Draft['location']) => {
    update({ location });
    setAddressProblem(undefined);
    if (placeError) clearError();
  };

  const handleLocate = () => {
    setGeo({ state: 'locating' });
    navigator.geolocation.getCurrentPosition(
      (position) => {
        const round = (n: number) => Math.round(n * 1e6) / 1e6;
        setLocation({ lat: round(position.coords.latitude), lon: round(position.coords.longitude) });
        setGeo({ state: 'found', accuracy: Math.round(position.coords.accuracy) });
      },
      (error) => setGeo({ state: error.code === error.PERMISSION_DENIED ? 'denied' : 'unavailable' }),
      { enableHighAccuracy: true, timeout: 20_000, maximumAge: 60_000 },
    );
  };

  const handleNext = async () => {
    if (checking) return;
    const problem = checkAddress(draft.address, !draft.location);
    setAddressProblem(problem);
    if (problem) {
      requestAnimationFrame(() => focusFirstInvalid(container.current));
      return;
    }
    setChecking(true);
    try {
      await onNext();
    } finally {
      setChecking(false);
    }
  };

  const sortedDistricts = useMemo(
    () =>
      [...(districts.data ?? [])].map((d) => ({ id: d.id, name: ml.text(d.name) })).sort((a, b) => a.name.localeCompare(b.name, locale)),
    [districts.data, ml, locale],
  );

  return (
    <section aria-labelledby="step-place" ref={container}>
      <StepHeading headingRef={headingRef} id="step-place">
        {t('portal.reports.place.title')}
      </StepHeading>
      {placeError ? <FormProblem error={placeError} shownFields={placeFields} /> : null}
      {placeError instanceof ProblemError && placeError.problem.code === 'outside_commune' ? (
        <p className="field-hint outside-hint">{t('portal.reports.place.outsideHint')}</p>
      ) : null}
      {webgl ? (
        <fieldset className="field mode-switch">
          <legend className="field-label">{t('portal.reports.place.modeLegend')}</legend>
          <div className="segmented">
            {(['map', 'address'] as const).map((m) => (
              <label key={m} className={mode === m ? 'segment is-selected' : 'segment'}>
                <input type="radio" name={modeName} value={m} checked={mode === m} onChange={() => update({ mode: m })} />
                <span>{t(`portal.reports.place.mode.${m}`)}</span>
              </label>
            ))}
          </div>
        </fieldset>
      ) : (
        <p className="notice">{t('portal.reports.place.noMap')}</p>
      )}

      {mode === 'map' ? (
        <div className="place-map">
          <p className="field-hint" id="place-map-hint">
            {t('portal.reports.place.mapHint')}
          </p>
          <ErrorBoundary>
            <Suspense fallback={<div className="map-placeholder map-picker-placeholder" aria-busy="true" />}>
              <PlacePicker value={draft.location} onChange={setLocation} />
            </Suspense>
          </ErrorBoundary>
        </div>
      ) : null}

      {canLocate ? (
        <div className="locate">
          <button
            type="button"
            className="button button-secondary"
            onClick={handleLocate}
            aria-disabled={geo.state === 'locating' || undefined}
          >
            <Icon name="pin" size={20} />
            {t('portal.reports.place.locate')}
          </button>
          <p className="locate-status" role="status">
            {geo.state === 'locating' ? t('portal.reports.place.locating') : null}
            {geo.state === 'found' ? t('portal.reports.place.located', { accuracy: geo.accuracy ?? 0 }) : null}
            {geo.state === 'denied' ? t('portal.reports.place.locateDenied') : null}
            {geo.state === 'unavailable' ? t('portal.reports.place.locateFailed') : null}
          </p>
        </div>
      ) : null}

      <div className="chosen-point">
        {/* Always there, so a screen reader hears each change of the place. */}
        <p role="status" className={draft.location ? undefined : 'muted'}>
          {draft.location ? (
            <>
              <Icon name="pin" size={20} />
              {t('portal.reports.place.chosen', {
                point: ltr(`${draft.location.lat.toFixed(5)}, ${draft.location.lon.toFixed(5)}`),
              })}
            </>
          ) : mode === 'map' ? (
            t('portal.reports.place.noneChosen')
          ) : null}
        </p>
        {draft.location ? (
          <button type="button" className="button button-quiet button-small" onClick={() => setLocation(null)}>
            {t('portal.reports.place.clear')}
          </button>
        ) : null}
      </div>

      <TextField
        id="report-address"
        label={mode === 'map' || draft.location ? t('portal.reports.place.landmark') : t('portal.reports.place.address')}
        hint={mode === 'map' || draft.location ? t('portal.reports.place.landmarkHint') : t('portal.reports.place.addressHint')}
        required={!draft.location}
        value={draft.address}
        maxLength={LIMITS.addressMax}
        autoComplete="street-address"
        onChange={(address) => {
          update({ address });
          setAddressProblem(undefined);
        }}
        error={problemText(addressProblem) ?? server.address}
      />
      <SelectField
        label={t('portal.reports.place.district')}
        value={draft.districtId}
        onChange={(districtId) => update({ districtId })}
        error={server.districtId}
        hint={districts.isError ? t('portal.reports.place.districtsFailed') : undefined}
      >
        <option value="">{t('portal.reports.place.districtNone')}</option>
        {sortedDistricts.map((d) => (
          <option key={d.id} value={d.id}>
            {d.name}
          </option>
        ))}
      </SelectField>
      <StepNav
        onBack={onBack}
        next={
          <button type="button" className="button" onClick={() => void handleNext()} aria-disabled={checking || undefined}>
            {checking ? t('portal.reports.place.checking') : t('portal.reports.new.next')}
          </button>
        }
      />
    </section>
  );
}

// ---------------------------------------------------------------------------------------------
// 2b. Is it one of these?

export function NearbyStep({
  headingRef,
  draft,
  category,
  onNext,
  onBack,
}: StepProps & { category: Category; onNext(): void; onBack(): void }) {
  const t = useT();
  const location = draft.location!;
  const nearby = useQuery(nearbyQuery(category.code, location.lat, location.lon));
  const items = nearby.data?.items ?? [];
  return (
    <section aria-labelledby="step-nearby">
      <StepHeading headingRef={headingRef} id="step-nearby">
        {t('portal.reports.nearby.title')}
      </StepHeading>
      <p className="lead">{t('portal.reports.nearby.lead', { count: items.length, metres: nearby.data?.radiusMetres ?? 50 })}</p>
      {nearby.isError ? <ProblemMessage error={nearby.error} onRetry={() => void nearby.refetch()} /> : null}
      <ul className="report-list">
        {items.map((r) => (
          <li key={r.number}>
            <ReportSummary
              report={r}
              action={
                <>
                  <p className="report-distance">{t('portal.reports.nearby.distance', { metres: Math.round(r.distanceMetres) })}</p>
                  {r.description ? (
                    <p className="report-excerpt" dir="auto">
                      {r.description}
                    </p>
                  ) : null}
                  <FollowInstead number={r.number} defaultEmail={draft.contact.email} />
                </>
              }
            />
          </li>
        ))}
      </ul>
      <StepNav
        onBack={onBack}
        next={
          <button type="button" className="button" onClick={onNext}>
            {t('portal.reports.nearby.none')}
          </button>
        }
      />
    </section>
  );
}

function FollowInstead({ number, defaultEmail }: { number: string; defaultEmail: string }) {
  const t = useT();
  const locale = useLocale();
  const problemText = useProblemText();
  const follow = useFollow();
  const [open, setOpen] = useState(false);
  const [email, setEmail] = useState(defaultEmail);
  const [problem, setProblem] = useState<FieldProblem | undefined>();
  const server = serverFieldErrors(follow.error);
  if (follow.isSuccess) {
    return (
      <div className="notice notice-success" role="status">
        <p className="notice-title">{t('portal.reports.follow.done')}</p>
        <p>{t('portal.reports.follow.doneDetail', { email: ltr(email.trim()) })}</p>
        <p>
          <Link to={`/reports/${number}`}>{t('portal.reports.follow.see', { number })}</Link>
        </p>
      </div>
    );
  }
  if (!open) {
    return (
      <button type="button" className="button button-secondary" onClick={() => setOpen(true)}>
        {t('portal.reports.follow.action')}
      </button>
    );
  }
  return (
    <form
      className="follow-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const p = checkEmail(email);
        setProblem(p);
        if (!p && !follow.isPending) follow.mutate({ number, email: email.trim(), locale });
      }}
    >
      <TextField
        type="email"
        inputMode="email"
        autoComplete="email"
        dir="ltr"
        required
        label={t('portal.reports.follow.email')}
        hint={t('portal.reports.follow.hint')}
        value={email}
        onChange={(v) => {
          setEmail(v);
          setProblem(undefined);
        }}
        error={problemText(problem) ?? server.email}
      />
      {follow.error && !server.email ? <ProblemMessage error={follow.error} compact /> : null}
      <button type="submit" className="button" aria-disabled={follow.isPending || undefined}>
        {t('portal.reports.follow.submit', { number })}
      </button>
    </form>
  );
}

// ---------------------------------------------------------------------------------------------
// 3. Description, questions, photos

export function DetailsStep({
  headingRef,
  draft,
  update,
  submitError,
  category,
  onNext,
  onBack,
}: StepProps & { category: Category; onNext(): void; onBack(): void }) {
  const t = useT();
  const problemText = useProblemText();
  const container = useRef<HTMLElement>(null);
  const [photos, setPhotos] = useState<File[]>(pendingPhotos.chosen);
  const [problems, setProblems] = useState<{ description?: FieldProblem; answers: Record<string, FieldProblem> }>({ answers: {} });
  const server = serverFieldErrors(submitError);
  const detailError = Object.keys(server).some((k) => k === 'description' || k.startsWith('attributes.')) ? submitError : null;
  const answerErrors: Record<string, ReactNode> = {};
  for (const a of category.attributes) answerErrors[a.code] = problemText(problems.answers[a.code]) ?? server[`attributes.${a.code}`];

  const handleNext = () => {
    const description = checkDescription(draft.description);
    const { errors } = checkAnswers(category.attributes, draft.answers);
    setProblems({ description, answers: errors });
    if (description || Object.keys(errors).length > 0) {
      requestAnimationFrame(() => focusFirstInvalid(container.current));
      return;
    }
    onNext();
  };

  return (
    <section aria-labelledby="step-details" ref={container}>
      <StepHeading headingRef={headingRef} id="step-details">
        {t('portal.reports.details.title')}
      </StepHeading>
      {detailError ? <FormProblem error={detailError} shownFields={['description', 'attributes']} /> : null}
      <TextField
        id="report-description"
        multiline
        required
        rows={6}
        label={t('portal.reports.details.description')}
        hint={t('portal.reports.details.descriptionHint')}
        value={draft.description}
        maxLength={LIMITS.descriptionMax}
        counter
        onChange={(description) => {
          update({ description });
          if (problems.description) setProblems((p) => ({ ...p, description: undefined }));
        }}
        error={problemText(problems.description) ?? server.description}
      />
      <AttributeFields
        attributes={category.attributes}
        values={draft.answers}
        errors={answerErrors}
        onChange={(code, value) => {
          update({ answers: { ...draft.answers, [code]: value } });
          if (problems.answers[code])
            setProblems((p) => ({ ...p, answers: { ...p.answers, [code]: undefined } as Record<string, FieldProblem> }));
        }}
      />
      <PhotoPicker
        files={photos}
        max={PHOTOS_MAX}
        onChange={(files) => {
          setPhotos(files);
          pendingPhotos.setChosen(files);
        }}
      />
      <StepNav
        onBack={onBack}
        next={
          <button type="button" className="button" onClick={handleNext}>
            {t('portal.reports.new.next')}
          </button>
        }
      />
    </section>
  );
}

// ---------------------------------------------------------------------------------------------
// 4. Contact (optional, never public), summary, send

export function ContactStep({
  headingRef,
  draft,
  update,
  submitError,
  category,
  sending,
  onSend,
  onBack,
  onEdit,
}: StepProps & { category: Category; sending: boolean; onSend(): void; onBack(): void; onEdit(step: Step): void }) {
  const t = useT();
  const ml = useMultilingual();
  const problemText = useProblemText();
  const container = useRef<HTMLElement>(null);
  const [problems, setProblems] = useState<ReturnType<typeof checkContact>>({});
  const server = serverFieldErrors(submitError);
  const setContact = (field: keyof Draft['contact'], value: string) => {
    update({ contact: { ...draft.contact, [field]: value } });
    if (problems[field]) setProblems((p) => ({ ...p, [field]: undefined }));
  };
  const photos = pendingPhotos.chosen().length;

  const handleSend = () => {
    const found = checkContact(draft.contact);
    setProblems(found);
    if (Object.keys(found).length > 0) {
      requestAnimationFrame(() => focusFirstInvalid(container.current));
      return;
    }
    if (!sending) onSend();
  };

  // What belongs to another step is shown there (the page went back to it); here, the rest:
  // contact fields, limits, the connection, the server.
  const elsewhere = ['category', 'location', 'address', 'districtId', 'description', 'attributes'];
  const generalError =
    submitError instanceof ProblemError && Object.keys(server).some((k) => elsewhere.includes(k.split('.')[0] ?? '')) ? null : submitError;

  return (
    <section aria-labelledby="step-contact" ref={container}>
      <StepHeading headingRef={headingRef} id="step-contact">
        {t('portal.reports.contact.title')}
      </StepHeading>
      <div className="notice privacy-note">
        <p className="notice-title">{t('portal.reports.contact.privacyTitle')}</p>
        <p>{t('portal.reports.contact.privacy')}</p>
      </div>
      <TextField
        label={t('portal.reports.contact.name')}
        value={draft.contact.name}
        autoComplete="name"
        maxLength={LIMITS.displayNameMax}
        onChange={(v) => setContact('name', v)}
        error={problemText(problems.name) ?? server['contact.name']}
      />
      <TextField
        type="email"
        inputMode="email"
        autoComplete="email"
        dir="ltr"
        label={t('portal.reports.contact.email')}
        hint={t('portal.reports.contact.emailHint')}
        value={draft.contact.email}
        maxLength={LIMITS.emailMax}
        onChange={(v) => setContact('email', v)}
        error={problemText(problems.email) ?? server['contact.email']}
      />
      <TextField
        type="tel"
        inputMode="tel"
        autoComplete="tel"
        dir="ltr"
        label={t('portal.reports.contact.phone')}
        hint={t('portal.reports.contact.phoneHint')}
        value={draft.contact.phone}
        maxLength={LIMITS.phoneMax}
        onChange={(v) => setContact('phone', v)}
        error={problemText(problems.phone) ?? server['contact.phone']}
      />

      <section className="review" aria-labelledby="review-title">
        <h3 id="review-title">{t('portal.reports.review.title')}</h3>
        <dl className="review-list">
          <ReviewItem label={t('portal.reports.review.category')} onEdit={() => onEdit('category')}>
            {ml(category.name)}
          </ReviewItem>
          <ReviewItem label={t('portal.reports.review.place')} onEdit={() => onEdit('place')}>
            {[draft.location ? t.text('portal.reports.review.onMap') : null, draft.address.trim() || null].filter(Boolean).join(' · ')}
          </ReviewItem>
          <ReviewItem label={t('portal.reports.review.description')} onEdit={() => onEdit('details')}>
            <span className="review-text" dir="auto">
              {draft.description}
            </span>
          </ReviewItem>
          <ReviewItem label={t('portal.reports.review.photos')} onEdit={() => onEdit('details')}>
            {t('portal.reports.review.photoCount', { count: photos })}
          </ReviewItem>
        </dl>
        {!category.isPublic ? <p className="notice">{t('portal.reports.category.privateNote')}</p> : null}
      </section>

      <FormProblem error={generalError} shownFields={['contact']} />
      <StepNav
        onBack={onBack}
        next={
          <button
            type="button"
            className="button button-send"
            onClick={handleSend}
            aria-disabled={sending || undefined}
            data-pending={sending || undefined}
          >
            {sending ? t('portal.reports.contact.sending') : t('portal.reports.contact.send')}
          </button>
        }
      />
    </section>
  );
}

function ReviewItem({ label, children, onEdit }: { label: ReactNode; children: ReactNode; onEdit(): void }) {
  const t = useT();
  return (
    <div className="review-item">
      <dt>{label}</dt>
      <dd>
        {children}
        <button type="button" className="button button-quiet button-small" onClick={onEdit}>
          {t('portal.reports.review.change')}
          <span className="visually-hidden"> {label}</span>
        </button>
      </dd>
    </div>
  );
}
