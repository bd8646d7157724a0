/**
 * /office/lighting/schedules: the schedules and the groups that follow them, a night's profile as
 * a chart (inline SVG: level over the commune's local time from dusk to dawn, mirrored in
 * right-to-left languages) with the same figures in a table, the levels of the profile in use,
 * and the manual overrides.
 */
import { type FormEvent, useState } from 'react';
import { Button } from 'react-aria-components';
import { Link } from 'react-router';
import { INTL_LOCALE, LOCALE_DIR, useLocale, useMultilingual, useT, useTimeZone } from '../../shared/i18n';
import { ProblemMessage } from '../../shared/ProblemMessage';
import { useDocumentTitle } from '../../shared/page';
import { FormProblem, fieldErrorsOf, type Option, SelectField, TextInput } from '../forms';
import {
  type Group,
  type NightPlan,
  type Profile,
  type Step,
  useCancelOverride,
  useCreateOverride,
  useGroups,
  useNightPlan,
  useOverrides,
  useProfiles,
  useSaveProfile,
  useSchedules,
} from './lighting-schedules-api';
import './lighting.css';

/** Today's date in the commune's zone (the chart's default night). */
function today(timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

/** A night's date (YYYY-MM-DD) as the reader's language writes it. */
function useNightDate(date: string): string {
  const locale = useLocale();
  return new Intl.DateTimeFormat(INTL_LOCALE[locale], { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${date}T12:00:00Z`));
}

/** HH:MM of a local ISO time (2026-06-20T23:00+01:00). */
const hhmm = (local: string) => local.slice(11, 16);

export function SchedulePage() {
  const t = useT();
  const ml = useMultilingual();
  const locale = useLocale();
  const schedules = useSchedules();
  const profiles = useProfiles();
  const groups = useGroups();
  const [picked, setPicked] = useState<string | null>(null);
  const timeZone = useTimeZone();
  const [date, setDate] = useState(() => today(timeZone));
  useDocumentTitle(t.text('lighting.schedules.title'));

  const items = schedules.data?.items ?? [];
  const scheduleId = picked ?? items[0]?.id ?? null;
  const plan = useNightPlan(scheduleId, date);
  const groupName = (id: string) => {
    const g = groups.data?.items.find((x) => x.id === id);
    return g ? ml.text(g.name) : id;
  };
  const profileOf = (id: string) => profiles.data?.items.find((p) => p.id === id);
  const scheduleOptions: Option<string>[] = items.map((s) => ({ id: s.id, label: ml(s.name), text: ml.text(s.name) }));
  const planProfile =
    plan.data && plan.data.source.kind === 'calendar'
      ? undefined
      : scheduleId
        ? profileOf(items.find((s) => s.id === scheduleId)?.profileId ?? '')
        : undefined;

  return (
    <>
      <h1>{t('lighting.schedules.title')}</h1>
      <nav className="lighting-links" aria-label={t.text('lighting.nav.label')}>
        <Link to="/office/lighting">{t('lighting.nav.map')}</Link>
        <Link to="/office/lighting/list">{t('lighting.nav.list')}</Link>
        <Link to="/office/lighting/energy">{t('lighting.nav.energy')}</Link>
      </nav>
      {schedules.isError ? (
        <ProblemMessage error={schedules.error} onRetry={() => void schedules.refetch()} />
      ) : !schedules.data ? (
        <p className="loading-line" role="status">
          {t('common.loading')}
        </p>
      ) : (
        <>
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a table wider than a phone scrolls sideways: the keyboard must reach it (WCAG 2.1.1) */}
          <section className="table-scroll" tabIndex={0} aria-labelledby="schedules-caption">
            <table className="lighting-table" data-testid="schedules-table">
              <caption id="schedules-caption">{t('lighting.schedules.listCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('lighting.schedules.col.name')}</th>
                  <th scope="col">{t('lighting.schedules.col.profile')}</th>
                  <th scope="col">{t('lighting.schedules.col.groups')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((s) => {
                  const profile = profileOf(s.profileId);
                  return (
                    <tr key={s.id}>
                      <th scope="row">
                        <bdi>{ml(s.name)}</bdi>
                      </th>
                      <td>{profile ? <bdi>{ml(profile.name)}</bdi> : null}</td>
                      <td>
                        {s.groupIds.length === 0
                          ? t('lighting.schedules.noGroups')
                          : s.groupIds.map((g, i) => (
                              <span key={g}>
                                {i > 0 ? '، ' : null}
                                <bdi>{groupName(g)}</bdi>
                              </span>
                            ))}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </section>

          <h2>{t('lighting.schedules.nightTitle')}</h2>
          <search className="filters lighting-filters" aria-label={t.text('lighting.schedules.nightFilter')}>
            {scheduleId ? (
              <SelectField label={t('lighting.schedules.schedule')} value={scheduleId} onChange={setPicked} options={scheduleOptions} />
            ) : null}
            <TextInput label={t('lighting.schedules.date')} type="date" value={date} onChange={setDate} />
          </search>
          {plan.isError ? (
            <ProblemMessage error={plan.error} onRetry={() => void plan.refetch()} />
          ) : plan.data ? (
            <>
              <p data-testid="plan-source">
                {plan.data.source.kind === 'calendar'
                  ? t('lighting.schedules.byCalendar', { code: plan.data.source.code })
                  : t('lighting.schedules.bySchedule', { code: plan.data.source.code })}
              </p>
              <NightChart plan={plan.data} rtl={LOCALE_DIR[locale] === 'rtl'} />
              <PlanTable plan={plan.data} />
            </>
          ) : null}
          {planProfile ? <ProfileEditor key={planProfile.id} profile={planProfile} /> : null}
          <Overrides groups={groups.data?.items ?? []} />
        </>
      )}
    </>
  );
}

// The chart's own units: scaled to the page's width (at most 36 rem), legible on a 360 px phone.
const W = 480;
const H = 230;
const PAD = { start: 50, end: 14, top: 30, bottom: 34 };

/**
 * The night's levels as a step line over local time, dusk at the start and dawn at the end
 * (right to left in Arabic, with the level axis on the right). A picture with a title for screen
 * readers; the table below it holds the same figures.
 */
function NightChart({ plan, rtl }: { plan: NightPlan; rtl: boolean }) {
  const t = useT();
  const dusk = Date.parse(plan.dusk);
  const dawn = Date.parse(plan.dawn);
  const span = Math.max(1, dawn - dusk);
  const plotW = W - PAD.start - PAD.end;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (ms: number) => {
    const f = (ms - dusk) / span;
    return rtl ? W - PAD.start - f * plotW : PAD.start + f * plotW;
  };
  const y = (level: number) => PAD.top + (1 - level / 100) * plotH;
  // A tick every two local hours (the server's tz database: the browser's may be outdated), clear of dusk and dawn.
  const ticks = plan.hours
    .map((h) => ({ ms: Date.parse(h.at), label: h.local }))
    .filter((h) => Number(h.label.slice(0, 2)) % 2 === 0 && h.ms - dusk > 1_200_000 && dawn - h.ms > 1_200_000);
  let path = '';
  for (const [i, iv] of plan.intervals.entries()) {
    const a = x(Date.parse(iv.from));
    const b = x(Date.parse(iv.until));
    path += `${i === 0 ? `M${a},${y(0)} L${a},${y(iv.level)}` : ` L${a},${y(iv.level)}`} L${b},${y(iv.level)}`;
  }
  const last = plan.intervals.at(-1);
  if (last) path += ` L${x(Date.parse(last.until))},${y(0)} Z`;
  const axisX = rtl ? W - PAD.start : PAD.start;
  const title = t.text('lighting.schedules.chartTitle', { date: useNightDate(plan.date) });
  return (
    <figure className="energy-chart" data-testid="night-chart" style={{ maxInlineSize: '36rem' }}>
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={title} style={{ fontSize: 16 }}>
        {[0, 50, 100].map((level) => (
          <g key={level}>
            <line
              x1={rtl ? PAD.end : PAD.start}
              x2={rtl ? W - PAD.start : W - PAD.end}
              y1={y(level)}
              y2={y(level)}
              stroke="#d0d5dd"
              strokeWidth={1}
            />
            <text
              x={rtl ? axisX + 6 : axisX - 6}
              y={y(level)}
              textAnchor={rtl ? 'start' : 'end'}
              dominantBaseline="middle"
              fill="#344054"
              direction="ltr"
            >
              {t.text('lighting.schedules.percent', { level })}
            </text>
          </g>
        ))}
        <path d={path} fill="#fde68a" stroke="#b45309" strokeWidth={2.5} strokeLinejoin="round" />
        {ticks.map(({ ms, label }) => (
          <g key={ms}>
            <line x1={x(ms)} x2={x(ms)} y1={y(0)} y2={y(0) + 5} stroke="#344054" />
            <text x={x(ms)} y={y(0) + 20} textAnchor="middle" fill="#344054">
              {label}
            </text>
          </g>
        ))}
        {(
          [
            ['dusk', dusk, plan.duskLocal],
            ['dawn', dawn, plan.dawnLocal],
          ] as const
        ).map(([name, ms, local]) => (
          <g key={name} data-testid={`chart-${name}`}>
            <line x1={x(ms)} x2={x(ms)} y1={PAD.top - 6} y2={y(0)} stroke="#1d4ed8" strokeWidth={2} strokeDasharray="5 4" />
            <text
              x={x(ms)}
              y={PAD.top - 12}
              // Toward the inside of the chart: `start` and `end` follow the text's direction.
              textAnchor={name === 'dusk' ? 'start' : 'end'}
              fill="#1d4ed8"
              direction={rtl ? 'rtl' : 'ltr'}
            >
              {t.text(`lighting.schedules.${name}`, { time: hhmm(local) })}
            </text>
          </g>
        ))}
      </svg>
    </figure>
  );
}

/** The chart's figures as a table: each stretch of the night, local times, level. */
function PlanTable({ plan }: { plan: NightPlan }) {
  const t = useT();
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a table wider than a phone scrolls sideways: the keyboard must reach it (WCAG 2.1.1)
    <section className="table-scroll" tabIndex={0} aria-labelledby="plan-caption">
      <table className="lighting-table" data-testid="plan-table">
        <caption id="plan-caption">
          {t('lighting.schedules.tableCaption', { date: useNightDate(plan.date), dusk: hhmm(plan.duskLocal), dawn: hhmm(plan.dawnLocal) })}
        </caption>
        <thead>
          <tr>
            <th scope="col">{t('lighting.schedules.col.from')}</th>
            <th scope="col">{t('lighting.schedules.col.until')}</th>
            <th scope="col">{t('lighting.schedules.col.level')}</th>
          </tr>
        </thead>
        <tbody>
          {plan.intervals.map((i) => (
            <tr key={i.from}>
              <td>
                <bdi dir="ltr">{hhmm(i.fromLocal)}</bdi>
              </td>
              <td>
                <bdi dir="ltr">{hhmm(i.untilLocal)}</bdi>
              </td>
              <td>{t('lighting.schedules.percent', { level: i.level })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** An end of a step in words: a clock time, or minutes from dusk or dawn. */
function useAnchorText() {
  const t = useT();
  return (a: Step['from']) =>
    a.at === 'clock' ? a.time : t.text(`lighting.schedules.anchor.${a.at}`, { minutes: 'offsetMinutes' in a ? a.offsetMinutes : 0 });
}

/** The levels (and clock times) of the profile the chosen schedule uses, saved together. */
function ProfileEditor({ profile }: { profile: Profile }) {
  const t = useT();
  const ml = useMultilingual();
  const anchor = useAnchorText();
  const save = useSaveProfile();
  const [levels, setLevels] = useState(() => profile.steps.map((s) => String(s.level)));
  const errors = fieldErrorsOf(save.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({
      id: profile.id,
      body: { code: profile.code, name: profile.name, steps: profile.steps.map((s, i) => ({ ...s, level: Number(levels[i]) })) },
    });
  };
  if (profile.steps.length === 0) return null;
  return (
    <section aria-labelledby="profile-title">
      <h2 id="profile-title">{t('lighting.schedules.profileTitle', { name: ml.text(profile.name) })}</h2>
      <form onSubmit={submit} noValidate data-testid="profile-form">
        {profile.steps.map((s, i) => (
          <TextInput
            // biome-ignore lint/suspicious/noArrayIndexKey: the steps of a profile have no id; their order is their identity
            key={i}
            label={t('lighting.schedules.stepLevel', { from: anchor(s.from), until: anchor(s.until) })}
            type="number"
            value={levels[i] ?? ''}
            onChange={(v) => setLevels(levels.map((l, j) => (j === i ? v : l)))}
            error={errors[`/body/steps/${i}/level`] ?? errors[`/body/steps/${i}`]}
          />
        ))}
        <FormProblem error={save.error} shownFields={profile.steps.flatMap((_, i) => [`/body/steps/${i}/level`, `/body/steps/${i}`])} />
        <Button type="submit" className="button" isDisabled={save.isPending}>
          {t('lighting.schedules.save')}
        </Button>
        {save.isSuccess ? (
          <p role="status" className="notice notice-compact">
            {t('lighting.schedules.saved')}
          </p>
        ) : null}
      </form>
    </section>
  );
}

/** The overrides running or to come, and a form to set a group to a level for some hours. */
function Overrides({ groups }: { groups: Group[] }) {
  const t = useT();
  const ml = useMultilingual();
  const locale = useLocale();
  const timeZone = useTimeZone();
  const overrides = useOverrides();
  const create = useCreateOverride();
  const cancel = useCancelOverride();
  const [groupId, setGroupId] = useState<string | null>(null);
  const [level, setLevel] = useState('100');
  const [hours, setHours] = useState('2');
  const [reason, setReason] = useState('');
  const errors = fieldErrorsOf(create.error);
  const target = groupId ?? groups[0]?.id ?? null;
  const when = new Intl.DateTimeFormat(INTL_LOCALE[locale], { timeZone, dateStyle: 'short', timeStyle: 'short' });
  const nameOf = (id: string) => {
    const g = groups.find((x) => x.id === id);
    return g ? ml.text(g.name) : id;
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!target) return;
    const from = new Date();
    const until = new Date(from.getTime() + Number(hours) * 3_600_000);
    create.mutate(
      {
        targetType: 'group',
        targetId: target,
        level: Number(level),
        validFrom: from.toISOString(),
        validUntil: Number.isFinite(until.getTime()) ? until.toISOString() : '',
        reason,
      },
      { onSuccess: () => setReason('') },
    );
  };
  return (
    <section aria-labelledby="overrides-title">
      <h2 id="overrides-title">{t('lighting.schedules.overridesTitle')}</h2>
      {overrides.data && overrides.data.items.length > 0 ? (
        <ul className="overrides" data-testid="overrides">
          {overrides.data.items.map((o) => (
            <li key={o.id}>
              <bdi>{o.targetType === 'group' ? nameOf(o.targetId) : o.targetId}</bdi>
              {' — '}
              {t('lighting.schedules.overrideLine', {
                level: o.level,
                from: when.format(new Date(o.validFrom)),
                until: when.format(new Date(o.validUntil)),
              })}{' '}
              <bdi>{o.reason}</bdi>{' '}
              <Button className="button button-secondary" onPress={() => cancel.mutate(o.id)} isDisabled={cancel.isPending}>
                {t('lighting.schedules.cancelOverride')}
              </Button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="empty">{t('lighting.schedules.noOverrides')}</p>
      )}
      {target ? (
        <form onSubmit={submit} noValidate data-testid="override-form" className="retrofit-form">
          <SelectField
            label={t('lighting.schedules.group')}
            value={target}
            onChange={setGroupId}
            options={groups.map((g) => ({ id: g.id, label: ml(g.name), text: ml.text(g.name) }))}
          />
          <TextInput label={t('lighting.schedules.level')} type="number" value={level} onChange={setLevel} error={errors['/body/level']} />
          <TextInput
            label={t('lighting.schedules.hours')}
            type="number"
            value={hours}
            onChange={setHours}
            error={errors['/body/validUntil']}
          />
          <TextInput label={t('lighting.schedules.reason')} value={reason} onChange={setReason} error={errors['/body/reason']} />
          <FormProblem error={create.error} shownFields={['/body/level', '/body/validUntil', '/body/reason']} />
          <Button type="submit" className="button" isDisabled={create.isPending}>
            {t('lighting.schedules.createOverride')}
          </Button>
        </form>
      ) : null}
    </section>
  );
}
