import { type KeyboardEvent, useRef } from 'react';
import { ENDONYMS, HTML_LANG, LOCALE_DIR, LOCALES, type Locale, useLocale, useSetLocale, useT } from './i18n';

/**
 * The four languages, each named in its own script, always visible (no menu to find first).
 * A radio group of plain buttons, as react-aria's single-selection ToggleButtonGroup renders it
 * (one tab stop, arrow keys move between the languages, Enter or Space chooses), written out here
 * so that the portal's first page does not load react-aria for four buttons.
 */
export function LanguageSwitcher() {
  const t = useT();
  const locale = useLocale();
  const setLocale = useSetLocale();
  const buttons = useRef(new Map<Locale, HTMLButtonElement>());

  function handleKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const focused = LOCALES.find((l) => buttons.current.get(l) === document.activeElement);
    if (!focused) return;
    const index = LOCALES.indexOf(focused);
    // Left and right follow the page's direction: in Arabic the next language is to the left.
    const rtl = getComputedStyle(event.currentTarget).direction === 'rtl';
    const step: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, ArrowRight: rtl ? -1 : 1, ArrowLeft: rtl ? 1 : -1 };
    let next: number | undefined;
    if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = LOCALES.length - 1;
    else if (step[event.key] !== undefined) next = (index + (step[event.key] ?? 0) + LOCALES.length) % LOCALES.length;
    if (next === undefined) return;
    event.preventDefault();
    const target = LOCALES[next];
    if (target) buttons.current.get(target)?.focus();
  }

  return (
    <div className="lang-switcher" role="radiogroup" aria-label={t.text('common.language.label')} onKeyDown={handleKeyDown}>
      {LOCALES.map((l) => {
        const selected = l === locale;
        return (
          // biome-ignore lint/a11y/useSemanticElements: buttons in a radio group, as react-aria's ToggleButtonGroup renders it: Enter or Space chooses, arrows only move (a native radio would switch the page's language at each arrow key)
          <button
            key={l}
            ref={(element) => {
              if (element) buttons.current.set(l, element);
              else buttons.current.delete(l);
            }}
            type="button"
            role="radio"
            aria-checked={selected}
            tabIndex={selected ? 0 : -1}
            className="lang-button"
            data-selected={selected || undefined}
            onClick={() => {
              if (!selected) setLocale(l);
            }}
          >
            <span lang={HTML_LANG[l]} dir={LOCALE_DIR[l]}>
              {ENDONYMS[l]}
            </span>
          </button>
        );
      })}
    </div>
  );
}
