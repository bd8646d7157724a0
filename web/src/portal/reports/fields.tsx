/**
 * Form fields of the reports pages: native controls (light, and the phone's own pickers and
 * keyboards), each labelled, its hint and error tied to it by aria-describedby. The portal's
 * pages do not load react-aria (see web/README.md).
 */
import { type ReactNode, useEffect, useId, useRef } from 'react';
import { ProblemError } from '../../api/client';
import { useT } from '../../shared/i18n';
import { ProblemMessage } from '../../shared/ProblemMessage';
import type { FieldProblem } from './validate';

/** A client-side problem (a key of portal.json) or the server's message, as text beside the field. */
export function useProblemText() {
  const t = useT();
  return (problem: FieldProblem | string | undefined): ReactNode =>
    problem === undefined ? undefined : typeof problem === 'string' ? problem : t(problem.key, problem.values);
}

function describedBy(...ids: (string | false | undefined)[]) {
  const list = ids.filter(Boolean).join(' ');
  return list || undefined;
}

interface TextFieldProps {
  label: ReactNode;
  value: string;
  onChange(value: string): void;
  error?: ReactNode;
  hint?: ReactNode;
  required?: boolean;
  multiline?: boolean;
  type?: 'text' | 'email' | 'tel' | 'number' | 'datetime-local' | 'date' | 'search';
  inputMode?: 'text' | 'email' | 'tel' | 'numeric' | 'decimal' | 'search';
  autoComplete?: string;
  maxLength?: number;
  /** Shows "n / max" under a long text. */
  counter?: boolean;
  dir?: 'ltr' | 'rtl' | 'auto';
  name?: string;
  rows?: number;
  id?: string;
  className?: string;
  /** Says "(optional)" after the label of a field that is not required (default). */
  showOptional?: boolean;
}

export function TextField({
  label,
  value,
  onChange,
  error,
  hint,
  required,
  multiline,
  type = 'text',
  counter,
  maxLength,
  className,
  id: givenId,
  rows,
  showOptional = true,
  ...rest
}: TextFieldProps) {
  const t = useT();
  const ownId = useId();
  const id = givenId ?? ownId;
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const counterId = counter && maxLength ? `${id}-count` : undefined;
  const common = {
    id,
    value,
    'aria-invalid': error ? true : undefined,
    'aria-required': required || undefined,
    'aria-describedby': describedBy(hintId, errorId),
    maxLength,
    ...rest,
  };
  return (
    <div className={`field ${className ?? ''}`} data-invalid={error ? true : undefined}>
      <label htmlFor={id} className="field-label">
        {label}
        {required || !showOptional ? null : <span className="field-optional"> {t('portal.reports.field.optional')}</span>}
      </label>
      {hint ? (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      ) : null}
      {multiline ? (
        <textarea {...common} rows={rows ?? 5} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input {...common} type={type} onChange={(e) => onChange(e.target.value)} />
      )}
      {counterId && maxLength ? (
        <p id={counterId} className="field-counter" aria-hidden="true">
          {t('portal.reports.field.counter', { count: [...value].length, max: maxLength })}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

interface SelectFieldProps {
  label: ReactNode;
  value: string;
  onChange(value: string): void;
  children: ReactNode;
  error?: ReactNode;
  hint?: ReactNode;
  required?: boolean;
  id?: string;
  className?: string;
  showOptional?: boolean;
}

export function SelectField({
  label,
  value,
  onChange,
  children,
  error,
  hint,
  required,
  id: givenId,
  className,
  showOptional = true,
}: SelectFieldProps) {
  const t = useT();
  const ownId = useId();
  const id = givenId ?? ownId;
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className={`field ${className ?? ''}`} data-invalid={error ? true : undefined}>
      <label htmlFor={id} className="field-label">
        {label}
        {required || !showOptional ? null : <span className="field-optional"> {t('portal.reports.field.optional')}</span>}
      </label>
      {hint ? (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      ) : null}
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-required={required || undefined}
        aria-describedby={describedBy(hintId, errorId)}
      >
        {children}
      </select>
      {error ? (
        <p id={errorId} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

interface ChoiceFieldProps {
  legend: ReactNode;
  /** Radios (one) or checkboxes (several). */
  multiple: boolean;
  options: { value: string; label: ReactNode }[];
  value: string | string[];
  onChange(value: string | string[]): void;
  error?: ReactNode;
  required?: boolean;
  name: string;
}

/** A question with its answers listed (Open311 singlevaluelist / multivaluelist): radios or checkboxes, large to touch. */
export function ChoiceField({ legend, multiple, options, value, onChange, error, required, name }: ChoiceFieldProps) {
  const t = useT();
  const id = useId();
  const errorId = error ? `${id}-error` : undefined;
  const selected = new Set(Array.isArray(value) ? value : value ? [value] : []);
  return (
    <fieldset className="field choice-field" data-invalid={error ? true : undefined} aria-describedby={errorId}>
      <legend className="field-label">
        {legend}{' '}
        <span className="field-optional">
          {multiple
            ? t(required ? 'portal.reports.field.several' : 'portal.reports.field.severalOptional')
            : required
              ? null
              : t('portal.reports.field.optional')}
        </span>
      </legend>
      <div className="choices">
        {options.map((o) => (
          <label key={o.value} className="choice">
            <input
              type={multiple ? 'checkbox' : 'radio'}
              name={name}
              value={o.value}
              checked={selected.has(o.value)}
              aria-invalid={error ? true : undefined}
              onChange={(e) => {
                if (!multiple) onChange(o.value);
                else {
                  const next = new Set(selected);
                  if (e.target.checked) next.add(o.value);
                  else next.delete(o.value);
                  onChange(options.map((x) => x.value).filter((v) => next.has(v)));
                }
              }}
            />
            <span>{o.label}</span>
          </label>
        ))}
      </div>
      {error ? (
        <p id={errorId} className="field-error">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

/**
 * A failed send: the server's problem (title, detail) and the field errors no field on screen
 * shows. Takes focus when it appears, so a screen reader says it and a phone scrolls to it.
 */
export function FormProblem({ error, shownFields = [] }: { error: unknown; shownFields?: string[] }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (error) ref.current?.focus();
  }, [error]);
  if (!error) return null;
  const unshown =
    error instanceof ProblemError
      ? Object.entries(error.fieldErrors()).filter(
          ([key, detail]) => key && detail !== error.problem.title && !shownFields.some((f) => key === f || key.startsWith(`${f}.`)),
        )
      : [];
  // With field errors the server's detail lists their JSON pointers ("1 invalid field: /body/location"),
  // which means nothing to a citizen: the title and each field's own message say it.
  const shown =
    error instanceof ProblemError && (error.problem.errors?.length ?? 0) > 0
      ? new ProblemError({ ...error.problem, detail: undefined }, error.language)
      : error;
  return (
    <div className="form-problem" ref={ref} tabIndex={-1}>
      <ProblemMessage error={shown} compact />
      {unshown.length > 0 ? (
        <ul className="field-error-list">
          {unshown.map(([key, detail]) => (
            <li key={key}>{detail}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** Field errors of a server problem, keyed like `description`, `attributes.lamp_state`, `contact.email`. */
export function serverFieldErrors(error: unknown): Record<string, string> {
  return error instanceof ProblemError ? error.fieldErrors() : {};
}
