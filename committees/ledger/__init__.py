"""The federation's Excel ledger (台账): its format, reading and checking it, importing and exporting it.

- `columns`: the sheets and columns, each column's limits (from the model fields) and labels (from the
  models' choices).
- `cells`: one cell as its column needs it; `problems`: located problems, the first 1,000 kept.
- `reading`: the workbook into typed rows; `state`: what the platform holds, as plain data;
  `validation`: the rows against each other and the platform, sheet by sheet (pure).
- `importing`: all or nothing, through the bulk paths of the services; `exporting`: the same format out;
  `workbooks`: the blank template and the problem list; `jobs`: both as background jobs (core.jobs).
"""
