/**
 * The form pieces the sign-in page needs (a text field, a save's problem), apart from forms.tsx so
 * that the signed-out office does not download the selects, dialogs and menus of the other pages.
 */
import { type ReactNode, useEffect, useRef } from 'react';
import { FieldError, Input, Label, Text, TextArea, TextField } from 'react-aria-components';
import { ProblemError } from '../api/client';
import { ProblemMessage } from '../shared/ProblemMessage';

interface TextInputProps {
  label: ReactNode;
  value: string;
  onChange(value: string): void;
  error?: string | undefined;
  description?: ReactNode;
  type?: 'text' | 'email' | 'password' | 'search' | 'tel' | 'url' | 'date' | 'time' | 'number';
  name?: string;
  autoComplete?: string;
  isRequired?: boolean;
  multiline?: boolean;
  /** Language and direction of the text typed in (content in a given language, an email…). */
  lang?: string;
  dir?: 'ltr' | 'rtl' | 'auto';
  className?: string;
  maxLength?: number;
}

export function TextInput({
  label,
  value,
  onChange,
  error,
  description,
  type = 'text',
  multiline,
  lang,
  dir,
  className,
  ...rest
}: TextInputProps) {
  return (
    <TextField className={`field ${className ?? ''}`} value={value} onChange={onChange} type={type} isInvalid={!!error} {...rest}>
      <Label>{label}</Label>
      {multiline ? <TextArea lang={lang} dir={dir} /> : <Input lang={lang} dir={dir} />}
      {description ? <Text slot="description">{description}</Text> : null}
      <FieldError>{error}</FieldError>
    </TextField>
  );
}

/** The error of a failed save: its title/detail, plus field errors no field on the form shows. */
export function FormProblem({ error, shownFields }: { error: unknown; shownFields: string[] }) {
  const ref = useRef<HTMLDivElement>(null);
  // The save button may be far below: bring the problem into view and to the screen reader.
  useEffect(() => {
    if (error) ref.current?.focus();
  }, [error]);
  if (!error) return null;
  const unshown =
    error instanceof ProblemError
      ? Object.entries(error.fieldErrors()).filter(([key]) => !shownFields.some((f) => key === f || key.startsWith(`${f}.`)))
      : [];
  return (
    <div className="form-problem" ref={ref} tabIndex={-1}>
      <ProblemMessage error={error} compact />
      {unshown.length > 0 ? (
        <ul className="field-error-list">
          {unshown.map(([key, detail]) => (
            <li key={key}>
              {key ? <code dir="ltr">{key}</code> : null} {detail}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function fieldErrorsOf(error: unknown): Record<string, string> {
  return error instanceof ProblemError ? error.fieldErrors() : {};
}
