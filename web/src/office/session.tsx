import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext } from 'react';
import { api, ProblemError, type RequestOf, type ResponseOf, setCsrfToken, unwrap } from '../api/client';
import type { IconName } from '../shared/Icon';

export type Me = ResponseOf<'/api/v1/me', 'get'>;
export type SignedIn = Me & { user: NonNullable<Me['user']> };
export type Role = SignedIn['user']['role'];

export const ROLES = ['admin', 'supervisor', 'agent', 'technician', 'inspector', 'contractor', 'viewer'] as const satisfies readonly Role[];

/** Who is signed in (null: nobody; the office then shows its sign-in page). */
export function useMe() {
  return useQuery({
    queryKey: ['me'],
    queryFn: async ({ signal }): Promise<SignedIn | null> => {
      try {
        const me = await unwrap(api.GET('/api/v1/me', { signal }));
        setCsrfToken(me.csrfToken ?? null);
        return me.user ? (me as SignedIn) : null;
      } catch (error) {
        if (error instanceof ProblemError && error.status === 401) {
          setCsrfToken(null);
          return null;
        }
        throw error;
      }
    },
    staleTime: 60_000,
  });
}

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: RequestOf<'/api/v1/auth/login', 'post'>) => unwrap(api.POST('/api/v1/auth/login', { body })),
    onSuccess: async ({ csrfToken }) => {
      setCsrfToken(csrfToken);
      await queryClient.invalidateQueries({ queryKey: ['me'] });
    },
  });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/auth/logout')),
    onSettled: () => {
      setCsrfToken(null);
      queryClient.removeQueries({ queryKey: ['office'] });
      queryClient.setQueryData(['me'], null);
    },
  });
}

interface Session {
  me: SignedIn;
  can(permission: string): boolean;
}

export const SessionContext = createContext<Session | null>(null);

/** The signed-in user and their permissions (inside the office, after sign-in). */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside the signed-in office');
  return session;
}

export const PERMISSIONS = {
  announcements: 'portal.announcements.manage',
  offices: 'portal.offices.manage',
  usersRead: 'platform.users.read',
  usersManage: 'platform.users.manage',
  departmentsRead: 'platform.departments.read',
  departmentsManage: 'platform.departments.manage',
  audit: 'platform.audit.read',
  apiKeys: 'platform.apikeys.manage',
  reportsRead: 'reports.reports.read',
  reportsTriage: 'reports.reports.triage',
  reportsModerate: 'reports.reports.moderate',
  contactsRead: 'reports.contacts.read',
  categories: 'reports.categories.manage',
  workOrdersRead: 'workorders.orders.read',
  workOrdersManage: 'workorders.orders.manage',
  workOrdersComplete: 'workorders.orders.complete',
  outbox: 'platform.outbox.read',
  eservicesRead: 'eservices.requests.read',
  eservicesProcess: 'eservices.requests.process',
  eservicesCounter: 'eservices.requests.counter',
  eservicesCatalog: 'eservices.catalog.manage',
  eservicesIndicators: 'eservices.indicators.read',
  eservicesSettings: 'eservices.settings.manage',
  eservicesRevoke: 'eservices.documents.revoke',
  gisLayersRead: 'gis.layers.read',
  gisLayersManage: 'gis.layers.manage',
  gisFeaturesEdit: 'gis.features.edit',
  lightingInventory: 'lighting.inventory.read',
  lightingEnergy: 'lighting.energy.read',
  lightingSchedules: 'lighting.schedules.read',
} as const;

/** The office's tools, each shown to those whose permissions allow it. */
export const OFFICE_TOOLS: { path: string; permission: string; icon: IconName; key: string }[] = [
  // The daily work of the technical departments first.
  { path: '/office/reports', permission: PERMISSIONS.reportsRead, icon: 'report', key: 'reports' },
  { path: '/office/workorders', permission: PERMISSIONS.workOrdersRead, icon: 'document', key: 'workorders' },
  { path: '/office/eservices', permission: PERMISSIONS.eservicesRead, icon: 'inbox', key: 'eservices' },
  { path: '/office/gis', permission: PERMISSIONS.gisLayersRead, icon: 'map', key: 'gis' },
  { path: '/office/lighting', permission: PERMISSIONS.lightingInventory, icon: 'map', key: 'lighting' },
  { path: '/office/lighting/energy', permission: PERMISSIONS.lightingEnergy, icon: 'data', key: 'lightingEnergy' },
  { path: '/office/lighting/schedules', permission: PERMISSIONS.lightingSchedules, icon: 'data', key: 'lightingSchedules' },
  { path: '/office/announcements', permission: PERMISSIONS.announcements, icon: 'megaphone', key: 'announcements' },
  { path: '/office/offices', permission: PERMISSIONS.offices, icon: 'building', key: 'offices' },
  { path: '/office/users', permission: PERMISSIONS.usersRead, icon: 'users', key: 'users' },
  { path: '/office/departments', permission: PERMISSIONS.departmentsRead, icon: 'tree', key: 'departments' },
  { path: '/office/audit', permission: PERMISSIONS.audit, icon: 'history', key: 'audit' },
  { path: '/office/categories', permission: PERMISSIONS.categories, icon: 'data', key: 'categories' },
  { path: '/office/outbox', permission: PERMISSIONS.outbox, icon: 'mail', key: 'outbox' },
];
