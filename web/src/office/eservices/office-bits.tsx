/** Pieces the office's e-services pages share: their sub-navigation, and an overdue mark. */
import './styles';
import { NavLink } from 'react-router';
import { Icon } from '../../shared/Icon';
import { useT } from '../../shared/i18n';
import { PERMISSIONS, useSession } from '../session';

const TABS: { path: string; key: string; permission: string; end?: boolean }[] = [
  { path: '/office/eservices', key: 'queue', permission: PERMISSIONS.eservicesRead, end: true },
  { path: '/office/eservices/counter', key: 'counter', permission: PERMISSIONS.eservicesCounter },
  { path: '/office/eservices/catalog', key: 'catalog', permission: PERMISSIONS.eservicesCatalog },
  { path: '/office/eservices/indicators', key: 'indicators', permission: PERMISSIONS.eservicesIndicators },
  { path: '/office/eservices/holidays', key: 'holidays', permission: PERMISSIONS.eservicesSettings },
];

/** The e-services' own pages, as a second row of navigation (those the user may open). */
export function EservicesNav() {
  const t = useT();
  const { can } = useSession();
  const tabs = TABS.filter((tab) => can(tab.permission));
  if (tabs.length < 2) return null;
  return (
    <nav className="eservices-nav" aria-label={t.text('services.office.nav')}>
      <ul>
        {tabs.map((tab) => (
          <li key={tab.path}>
            <NavLink to={tab.path} end={tab.end}>
              {t(`services.office.tab.${tab.key}`)}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function OverdueMark() {
  const t = useT();
  return (
    <span className="badge badge-overdue">
      <Icon name="clock" size={14} />
      {t('services.office.overdue')}
    </span>
  );
}
