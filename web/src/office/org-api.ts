import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type RequestOf, type ResponseOf, unwrap } from '../api/client';

export type Department = ResponseOf<'/api/v1/org/departments', 'get'>['items'][number];
export type StaffUser = ResponseOf<'/api/v1/org/users', 'get'>['items'][number];
type UsersQuery = NonNullable<
  NonNullable<NonNullable<import('../api/client').ApiPaths['/api/v1/org/users']['get']>['parameters']>['query']
>;

/** The organization chart, parents before children. */
export function useDepartments(enabled = true) {
  return useQuery({
    queryKey: ['office', 'departments'],
    queryFn: async ({ signal }) => (await unwrap(api.GET('/api/v1/org/departments', { signal }))).items,
    enabled,
  });
}

export interface DepartmentNode extends Department {
  children: DepartmentNode[];
  depth: number;
}

/** The departments as a forest (roots first), each with its depth. */
export function departmentTree(items: readonly Department[]): DepartmentNode[] {
  const nodes = new Map(items.map((d) => [d.id, { ...d, children: [] as DepartmentNode[], depth: 0 }]));
  const roots: DepartmentNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentId ? nodes.get(node.parentId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  const setDepth = (list: DepartmentNode[], depth: number) => {
    for (const n of list) {
      n.depth = depth;
      setDepth(n.children, depth + 1);
    }
  };
  setDepth(roots, 0);
  return roots;
}

/** Depth-first order, for pickers that show the tree as an indented list. */
export function flattenTree(roots: DepartmentNode[]): DepartmentNode[] {
  return roots.flatMap((n) => [n, ...flattenTree(n.children)]);
}

export function useUsers(query: UsersQuery) {
  return useQuery({
    queryKey: ['office', 'users', query],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/org/users', { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: RequestOf<'/api/v1/org/users', 'post'>) => unwrap(api.POST('/api/v1/org/users', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['office', 'users'] }),
  });
}

export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: RequestOf<'/api/v1/org/users/{id}', 'patch'> }) =>
      unwrap(api.PATCH('/api/v1/org/users/{id}', { params: { path: { id } }, body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['office', 'users'] }),
  });
}

export function useSaveDepartment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (
      change:
        | { id: null; body: RequestOf<'/api/v1/org/departments', 'post'> }
        | { id: string; body: RequestOf<'/api/v1/org/departments/{id}', 'patch'> },
    ) =>
      change.id === null
        ? unwrap(api.POST('/api/v1/org/departments', { body: change.body }))
        : unwrap(api.PATCH('/api/v1/org/departments/{id}', { params: { path: { id: change.id } }, body: change.body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['office', 'departments'] }),
  });
}

export function useDeleteDepartment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/org/departments/{id}', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['office', 'departments'] }),
  });
}
