/** Module boundaries (see ../shared/DESIGN.md, "Layout"). */
module.exports = {
  forbidden: [
    {
      name: 'platform-knows-no-module',
      comment: 'src/platform is the shared kernel: it imports no module and no flow.',
      severity: 'error',
      from: { path: '^src/platform/' },
      to: { path: '^src/(modules|flows)/' },
    },
    {
      name: 'modules-meet-through-index',
      comment: "A module imports another module only through that module's index.ts.",
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/([^/]+)/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'outsiders-use-index',
      comment: "Code outside src/modules (app, cli, flows) uses a module through its index.ts.",
      severity: 'error',
      from: { path: '^src/(?!modules/)', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/modules/[^/]+/(?!index\\.ts$)' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
