/**
 * "Report a problem": category → place (map or address) → "is it one of these?" (open reports of
 * that category close by) → description, questions and photos → contact (optional, never public)
 * → send. Each step is a history entry (?step=…), so the phone's back button goes back a step;
 * the text typed is kept for the tab's life (draft.ts).
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Navigate, useLocation, useNavigate, useSearchParams } from 'react-router';
import { ProblemError } from '../../api/client';
import { useLocale, useT } from '../../shared/i18n';
import { ProblemMessage } from '../../shared/ProblemMessage';
import { PageLoading, useDocumentTitle } from '../../shared/page';
import { clearDraft, type Draft, loadDraft, pendingPhotos, saveDraft } from './draft';
import { randomId } from './kept-reports';
import { CategoryStep, ContactStep, DetailsStep, NearbyStep, PlaceStep } from './NewReportSteps';
import { type Category, nearbyQuery, type SubmitBody, submitReport, trackedKey, useCategories } from './reports-api';
import { checkAnswers, latinDigits } from './validate';

export const STEPS = ['category', 'place', 'nearby', 'details', 'contact'] as const;
export type Step = (typeof STEPS)[number];
const isStep = (value: string | null): value is Step => (STEPS as readonly string[]).includes(value ?? '');

/** Which step a field of the server's problem belongs to (pointer /body/<field>…). */
function stepOfField(field: string): Step | null {
  const top = field.split('.')[0];
  if (top === 'category') return 'category';
  if (top === 'location' || top === 'address' || top === 'districtId') return 'place';
  if (top === 'description' || top === 'attributes') return 'details';
  if (top === 'contact') return 'contact';
  return null;
}

/** The page: its categories first (the form needs them to start). */
export function NewReportRoute() {
  const t = useT();
  const categories = useCategories();
  useDocumentTitle(t.text('portal.reports.new.title'));
  if (categories.data) return <NewReportPage categories={categories.data} />;
  return (
    <>
      <h1>{t('portal.reports.new.title')}</h1>
      {categories.isError ? <ProblemMessage error={categories.error} onRetry={() => void categories.refetch()} /> : <PageLoading />}
    </>
  );
}

function NewReportPage({ categories }: { categories: readonly Category[] }) {
  const t = useT();
  const locale = useLocale();
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const [draft, setDraft] = useState<Draft>(loadDraft);
  const [submitError, setSubmitError] = useState<unknown>(null);
  useDocumentTitle(t.text('portal.reports.new.title'));

  const update = useCallback((patch: Partial<Draft>) => {
    setDraft((d) => {
      const next = { ...d, ...patch };
      saveDraft(next);
      return next;
    });
  }, []);

  const category = categories.find((c) => c.code === draft.category);
  const requested = params.get('step');
  // Without a category (a fresh tab, or a category since disabled) the form starts at the beginning.
  const step: Step = !category ? 'category' : isStep(requested) ? requested : 'category';

  const go = (next: Step) => navigate({ search: next === 'category' ? '' : `?step=${next}` }, { state: { from: step } });
  const back = (previous: Step[]) => {
    // Forward moves record where they came from: when that is the step before, going back is the
    // browser's back (the history stays straight); otherwise (a deep link, a jump to fix a field)
    // it is a move to the step before.
    const from = (location.state as { from?: Step } | null)?.from;
    if (from && previous.includes(from)) navigate(-1);
    else {
      const to = previous.at(-1) ?? 'category';
      navigate({ search: to === 'category' ? '' : `?step=${to}` }, { replace: true });
    }
  };

  // A step's heading takes focus when the step changes (not on the page's first render).
  const headingRef = useRef<HTMLHeadingElement>(null);
  const firstStep = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each step change
  useEffect(() => {
    if (firstStep.current) {
      firstStep.current = false;
      return;
    }
    headingRef.current?.focus();
  }, [step]);

  const submit = useMutation({
    mutationFn: ({ body, key }: { body: SubmitBody; key: string }) => submitReport(body, key),
    onSuccess: (result) => {
      const { number } = result.report;
      pendingPhotos.handOver(number);
      queryClient.setQueryData(trackedKey(number), result.report);
      clearDraft();
      navigate(`/reports/${number}/sent`, { replace: true });
    },
    onError: (error) => {
      setSubmitError(error);
      if (!(error instanceof ProblemError)) return;
      // Back to the step whose field is at fault, where its message is shown.
      const steps = Object.keys(error.fieldErrors())
        .map(stepOfField)
        .filter((s): s is Step => s !== null);
      const target = STEPS.find((s) => steps.includes(s));
      if (target && target !== step) go(target);
    },
  });

  const handleSend = () => {
    if (!category) return;
    const { answers } = checkAnswers(category.attributes, draft.answers);
    const contact = {
      name: draft.contact.name.trim() || undefined,
      email: draft.contact.email.trim() || undefined,
      phone: latinDigits(draft.contact.phone.trim()) || undefined,
    };
    const body: SubmitBody = {
      category: category.code,
      ...(draft.location ? { location: draft.location } : {}),
      ...(draft.address.trim() ? { address: draft.address.trim() } : {}),
      ...(draft.districtId ? { districtId: draft.districtId } : {}),
      description: draft.description,
      ...(Object.keys(answers).length > 0 ? { attributes: answers } : {}),
      ...(contact.name || contact.email || contact.phone ? { contact } : {}),
      locale,
    };
    // The same submission sent again (a retry after a lost answer) carries the same key, so the
    // server creates one report; a changed one gets a new key.
    const json = JSON.stringify(body);
    const key = draft.attempt?.body === json ? draft.attempt.key : `portal-${randomId(16)}`;
    update({ attempt: { key, body: json } });
    setSubmitError(null);
    submit.mutate({ body, key });
  };

  const handlePlaceNext = async () => {
    if (!category) return;
    if (draft.location && category.isPublic) {
      // "Is it one of these?" only when there are some; a failure here does not stop the report.
      const nearby = await queryClient.fetchQuery(nearbyQuery(category.code, draft.location.lat, draft.location.lon)).catch(() => null);
      if (nearby && nearby.items.length > 0) return go('nearby');
    }
    go('details');
  };

  const stepNumber = { category: 1, place: 2, nearby: 2, details: 3, contact: 4 }[step];
  const common = { headingRef, draft, update, submitError, category };
  return (
    <div className="new-report">
      <h1>{t('portal.reports.new.title')}</h1>
      <p className="step-count">{t('portal.reports.new.stepOf', { n: stepNumber, total: 4 })}</p>
      {step === 'category' ? (
        <CategoryStep
          {...common}
          categories={categories}
          onChoose={(code) => {
            if (code !== draft.category) update({ category: code, answers: {} });
            if (submitError) setSubmitError(null);
            go('place');
          }}
        />
      ) : null}
      {step === 'place' && category ? (
        <PlaceStep
          {...common}
          category={category}
          clearError={() => setSubmitError(null)}
          onNext={handlePlaceNext}
          onBack={() => back(['category'])}
        />
      ) : null}
      {step === 'nearby' && category && draft.location ? (
        <NearbyStep {...common} category={category} onNext={() => go('details')} onBack={() => back(['place'])} />
      ) : null}
      {step === 'nearby' && !draft.location ? <Navigate to={{ search: '?step=place' }} replace /> : null}
      {step === 'details' && category ? (
        <DetailsStep {...common} category={category} onNext={() => go('contact')} onBack={() => back(['nearby', 'place'])} />
      ) : null}
      {step === 'contact' && category ? (
        <ContactStep
          {...common}
          category={category}
          sending={submit.isPending}
          onSend={handleSend}
          onBack={() => back(['details'])}
          onEdit={(s) => go(s)}
        />
      ) : null}
    </div>
  );
}
