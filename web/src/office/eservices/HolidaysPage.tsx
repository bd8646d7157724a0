/**
 * /office/eservices/holidays: the public holidays the working-day deadlines skip, by year — the
 * fixed national days and the Islamic ones computed from the Hijri calendar — and the correction
 * of an Islamic holiday's first day when the official date (after the crescent's sighting)
 * differs from the computed one.
 */
import { useState } from 'react';
import { Button, Form } from 'react-aria-components';
import { useFormat } from '../../shared/format';
import { useMultilingual, useT } from '../../shared/i18n';
import { ProblemMessage } from '../../shared/ProblemMessage';
import { useDocumentTitle } from '../../shared/page';
import { FormProblem, fieldErrorsOf, type Option, SelectField, TextInput } from '../forms';
import { type Holiday, useAdjustHoliday, useHolidays } from './eservices-api';
import { EservicesNav } from './office-bits';

export function HolidaysPage() {
  const t = useT();
  const ml = useMultilingual();
  const fmt = useFormat();
  const thisYear = new Date().getFullYear();
  const [year, setYear] = useState(thisYear);
  const holidays = useHolidays(year);
  const [editing, setEditing] = useState<string | null>(null);
  useDocumentTitle(t.text('services.office.holidays.title'));
  const years: Option<string>[] = [thisYear - 1, thisYear, thisYear + 1, thisYear + 2].map((y) => ({
    id: String(y),
    label: String(y),
    text: String(y),
  }));
  return (
    <>
      <h1>{t('services.office.holidays.title')}</h1>
      <EservicesNav />
      <p className="lead">{t('services.office.holidays.lead')}</p>
      <SelectField
        className="field-short"
        label={t('services.office.holidays.year')}
        value={String(year)}
        onChange={(y) => setYear(Number(y))}
        options={years}
      />
      {holidays.isError ? (
        <ProblemMessage error={holidays.error} onRetry={() => void holidays.refetch()} />
      ) : holidays.isPending ? (
        <p className="loading-line" role="status">
          {t('common.loading')}
        </p>
      ) : (
        <ul className="record-list holiday-list">
          {holidays.data.map((h, i, all) => {
            const rowKey = `${h.id}-${h.date}`;
            // A holiday of several days is one entry per day (sorted by date): an adjustment names its first day.
            const same = all.filter((x) => x.id === h.id && x.hijriYear === h.hijriYear);
            const day = same.indexOf(h) + 1;
            const adjustable = h.kind === 'islamic' && h.hijriYear !== undefined && day === 1 && all.indexOf(h) === i;
            return (
              <li key={rowKey} className="record">
                <div className="record-main">
                  <p className="record-title">
                    <time dateTime={h.date}>{fmt.date(`${h.date}T12:00:00Z`)}</time>
                    <span>{ml(h.name)}</span>
                  </p>
                  <p className="record-badges">
                    <span className="badge">{t(`services.office.holidays.kind.${h.kind}`)}</span>
                    {same.length > 1 ? (
                      <span className="badge">{t('services.office.holidays.dayOf', { day, days: same.length })}</span>
                    ) : null}
                    {h.adjusted ? <span className="badge badge-published">{t('services.office.holidays.adjusted')}</span> : null}
                  </p>
                  {h.kind === 'islamic' && h.computedDate && h.computedDate !== h.date ? (
                    <p className="record-meta">
                      {t('services.office.holidays.computed', { date: fmt.date(`${h.computedDate}T12:00:00Z`) })}
                    </p>
                  ) : null}
                  {editing === rowKey && adjustable ? <AdjustForm holiday={h} year={year} onDone={() => setEditing(null)} /> : null}
                </div>
                {adjustable && editing !== rowKey ? (
                  <Button className="button button-secondary button-small" onPress={() => setEditing(rowKey)}>
                    {t('services.office.holidays.adjust')}
                    <span className="visually-hidden"> — {ml.text(h.name)}</span>
                  </Button>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}

function AdjustForm({ holiday: h, year, onDone }: { holiday: Holiday; year: number; onDone(): void }) {
  const t = useT();
  const adjust = useAdjustHoliday(year);
  const [date, setDate] = useState(h.date);
  const errors = fieldErrorsOf(adjust.error);
  return (
    <Form
      className="adjust-form"
      validationBehavior="aria"
      onSubmit={(event) => {
        event.preventDefault();
        adjust.mutate({ holiday: h.id, hijriYear: h.hijriYear ?? 0, date }, { onSuccess: onDone });
      }}
    >
      {adjust.error ? <FormProblem error={adjust.error} shownFields={['date']} /> : null}
      <TextInput
        className="field-short"
        label={t('services.office.holidays.officialDate', { year: h.hijriYear ?? '' })}
        description={t('services.office.holidays.officialHint')}
        type="date"
        value={date}
        onChange={setDate}
        error={errors.date}
        isRequired
        dir="ltr"
      />
      <div className="form-actions">
        <Button type="submit" className="button" isPending={adjust.isPending}>
          {t('common.action.save')}
        </Button>
        <Button className="button button-quiet" onPress={onDone}>
          {t('common.action.cancel')}
        </Button>
      </div>
    </Form>
  );
}
