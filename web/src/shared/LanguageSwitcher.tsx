import { ToggleButton, ToggleButtonGroup } from 'react-aria-components';
import { ENDONYMS, HTML_LANG, isLocale, LOCALE_DIR, LOCALES, useLocale, useSetLocale, useT } from './i18n';

/** The four languages, each named in its own script, always visible (no menu to find first). */
export function LanguageSwitcher() {
  const t = useT();
  const locale = useLocale();
  const setLocale = useSetLocale();
  return (
    <ToggleButtonGroup
      className="lang-switcher"
      aria-label={t.text('common.language.label')}
      selectionMode="single"
      disallowEmptySelection
      selectedKeys={[locale]}
      onSelectionChange={(keys) => {
        const [key] = keys;
        if (isLocale(key)) setLocale(key);
      }}
    >
      {LOCALES.map((l) => (
        <ToggleButton key={l} id={l} className="lang-button">
          <span lang={HTML_LANG[l]} dir={LOCALE_DIR[l]}>
            {ENDONYMS[l]}
          </span>
        </ToggleButton>
      ))}
    </ToggleButtonGroup>
  );
}
