/*
 * The DAG rules of docs/dag-rules.md, ported from node/model/dag/rules.ts: the same checks in the
 * same order, returning the code of the FIRST violation (6100 + its DAG_ERROR_NUMBERS). Names are
 * compared as 16-byte hashes (all zeros = the empty name); a symbolic dim is DIM_SYMBOLIC.
 */
#include "program.h"

#define NO_INDEX 0xff
/* Sink/source bit positions: task i tensor k -> i*MAX_TASK_TENSORS+k; model tensor k -> MODEL_BIT+k. */
#define MODEL_BIT (MAX_MODEL_TASKS * MAX_TASK_TENSORS)
STATIC_ASSERT(MODEL_BIT + MAX_MODEL_IO <= 64, "endpoint bits fit a u64");

typedef struct {
  u8 from_task; /* NO_INDEX: the model */
  u8 from_tensor;
  u8 to_task;
  u8 to_tensor;
} Resolved;

static bool name_eq(const u8 *a, const u8 *b) {
  const u64 *x = (const u64 *)a, *y = (const u64 *)b;
  return x[0] == y[0] && x[1] == y[1];
}

static bool name_zero(const u8 *a) {
  const u64 *x = (const u64 *)a;
  return (x[0] | x[1]) == 0;
}

static bool is_model(const u8 *task) { return name_eq(task, MODEL_ENDPOINT_HASH); }

static u8 find_task(const Model *m, const u8 *id) {
  for (u8 i = 0; i < m->task_count; i++)
    if (name_eq(m->tasks[i].id, id)) return i;
  return NO_INDEX;
}

static u8 find_spec(const TensorSpec *specs, u8 count, const u8 *name) {
  for (u8 i = 0; i < count; i++)
    if (name_eq(specs[i].name, name)) return i;
  return NO_INDEX;
}

static bool is_state_input(const TaskDef *t, const u8 *name) {
  for (u8 i = 0; i < t->state_count; i++)
    if (name_eq(t->state[i].input, name)) return true;
  return false;
}

static bool is_state_output(const TaskDef *t, const u8 *name) {
  for (u8 i = 0; i < t->state_count; i++)
    if (name_eq(t->state[i].output, name)) return true;
  return false;
}

/* S1, S2 */
static u64 check_task_ids(const Model *m) {
  for (u8 i = 0; i < m->task_count; i++) {
    const u8 *id = m->tasks[i].id;
    if (name_zero(id) || is_model(id)) return ERR_DAG_BAD_TASK_ID;
    for (u8 j = 0; j < i; j++)
      if (name_eq(m->tasks[j].id, id)) return ERR_DAG_DUPLICATE_TASK;
  }
  return SUCCESS;
}

/* S3, S4 over one list */
static u64 check_names(const TensorSpec *specs, u8 count) {
  for (u8 k = 0; k < count; k++) {
    if (name_zero(specs[k].name)) return ERR_DAG_BAD_TENSOR_NAME;
    for (u8 l = 0; l < k; l++)
      if (name_eq(specs[l].name, specs[k].name)) return ERR_DAG_DUPLICATE_TENSOR;
  }
  return SUCCESS;
}

static u64 check_tensor_names(const Model *m) {
  TRY(check_names(m->inputs, m->input_count));
  TRY(check_names(m->outputs, m->output_count));
  for (u8 i = 0; i < m->task_count; i++) {
    TRY(check_names(m->tasks[i].inputs, m->tasks[i].input_count));
    TRY(check_names(m->tasks[i].outputs, m->tasks[i].output_count));
  }
  return SUCCESS;
}

/* S5 */
static u64 check_state_bindings(const Model *m) {
  for (u8 i = 0; i < m->task_count; i++) {
    const TaskDef *t = &m->tasks[i];
    for (u8 k = 0; k < t->state_count; k++) {
      const StateBinding *b = &t->state[k];
      u8 in = find_spec(t->inputs, t->input_count, b->input);
      u8 out = find_spec(t->outputs, t->output_count, b->output);
      if (in == NO_INDEX || out == NO_INDEX) return ERR_DAG_BAD_STATE_BINDING;
      for (u8 l = 0; l < k; l++)
        if (name_eq(t->state[l].input, b->input) || name_eq(t->state[l].output, b->output))
          return ERR_DAG_BAD_STATE_BINDING;
      if (t->inputs[in].dtype != t->outputs[out].dtype || t->inputs[in].rank != t->outputs[out].rank)
        return ERR_DAG_BAD_STATE_BINDING;
    }
  }
  return SUCCESS;
}

/* S6, S7, S8: resolves every connection to indices. */
static u64 check_connections(const Model *m, Resolved *r) {
  u64 fed = 0;
  for (u8 k = 0; k < m->connection_count; k++) {
    const Connection *c = &m->connections[k];
    bool from_model = is_model(c->from_task), to_model = is_model(c->to_task);
    u8 ft = from_model ? NO_INDEX : find_task(m, c->from_task);
    u8 tt = to_model ? NO_INDEX : find_task(m, c->to_task);
    if ((!from_model && ft == NO_INDEX) || (!to_model && tt == NO_INDEX)) return ERR_DAG_UNKNOWN_TASK;
    u8 fi = from_model ? find_spec(m->inputs, m->input_count, c->from_tensor)
                       : find_spec(m->tasks[ft].outputs, m->tasks[ft].output_count, c->from_tensor);
    if (fi == NO_INDEX) return ERR_DAG_UNKNOWN_TENSOR;
    u8 ti = to_model ? find_spec(m->outputs, m->output_count, c->to_tensor)
                     : find_spec(m->tasks[tt].inputs, m->tasks[tt].input_count, c->to_tensor);
    if (ti == NO_INDEX) return ERR_DAG_UNKNOWN_TENSOR;
    u64 bit = 1ULL << (to_model ? MODEL_BIT + ti : tt * MAX_TASK_TENSORS + ti);
    if (fed & bit) return ERR_DAG_DUPLICATE_CONNECTION;
    if (!to_model && !from_model && is_state_input(&m->tasks[tt], c->to_tensor)) return ERR_DAG_DUPLICATE_CONNECTION;
    fed |= bit;
    r[k].from_task = ft;
    r[k].from_tensor = fi;
    r[k].to_task = tt;
    r[k].to_tensor = ti;
  }
  return SUCCESS;
}

static u64 endpoint_bit(u8 task, u8 tensor) {
  return 1ULL << (task == NO_INDEX ? MODEL_BIT + tensor : task * MAX_TASK_TENSORS + tensor);
}

/* Phases 1 and 2 */
static u64 check_inputs_and_outputs(const Model *m, const Resolved *r) {
  u64 fed = 0, used = 0;
  for (u8 k = 0; k < m->connection_count; k++) {
    fed |= endpoint_bit(r[k].to_task, r[k].to_tensor);
    used |= endpoint_bit(r[k].from_task, r[k].from_tensor);
  }
  for (u8 i = 0; i < m->task_count; i++) {
    const TaskDef *t = &m->tasks[i];
    for (u8 k = 0; k < t->input_count; k++)
      if (!is_state_input(t, t->inputs[k].name) && !(fed & endpoint_bit(i, k))) return ERR_DAG_INPUT_UNSATISFIED;
  }
  for (u8 k = 0; k < m->output_count; k++)
    if (!(fed & endpoint_bit(NO_INDEX, k))) return ERR_DAG_INPUT_UNSATISFIED;
  for (u8 k = 0; k < m->input_count; k++)
    if (!(used & endpoint_bit(NO_INDEX, k))) return ERR_DAG_ORPHAN_OUTPUT;
  for (u8 i = 0; i < m->task_count; i++) {
    const TaskDef *t = &m->tasks[i];
    for (u8 k = 0; k < t->output_count; k++)
      if (!is_state_output(t, t->outputs[k].name) && !(used & endpoint_bit(i, k))) return ERR_DAG_ORPHAN_OUTPUT;
  }
  return SUCCESS;
}

/* Phase 3: reverse reachability from the model outputs, to a fixed point. */
static u64 check_no_redundant(const Model *m, const Resolved *r) {
  u32 useful = 0;
  for (u8 k = 0; k < m->connection_count; k++)
    if (r[k].from_task != NO_INDEX && r[k].to_task == NO_INDEX) useful |= 1u << r[k].from_task;
  bool changed = true;
  while (changed) {
    changed = false;
    for (u8 k = 0; k < m->connection_count; k++) {
      if (r[k].from_task == NO_INDEX || r[k].to_task == NO_INDEX) continue;
      if ((useful >> r[k].to_task) & 1 && !((useful >> r[k].from_task) & 1)) {
        useful |= 1u << r[k].from_task;
        changed = true;
      }
    }
  }
  for (u8 i = 0; i < m->task_count; i++)
    if (!((useful >> i) & 1)) return ERR_DAG_REDUNDANT_TASK;
  return SUCCESS;
}

/* Phase 4: Kahn's algorithm; any task left over lies on or behind a cycle. */
static u64 check_no_cycles(const Model *m, const Resolved *r) {
  u8 indegree[MAX_MODEL_TASKS] = {0};
  for (u8 k = 0; k < m->connection_count; k++)
    if (r[k].from_task != NO_INDEX && r[k].to_task != NO_INDEX) indegree[r[k].to_task]++;
  u32 removed = 0;
  bool progress = true;
  while (progress) {
    progress = false;
    for (u8 i = 0; i < m->task_count; i++) {
      if ((removed >> i) & 1 || indegree[i] != 0) continue;
      removed |= 1u << i;
      progress = true;
      for (u8 k = 0; k < m->connection_count; k++)
        if (r[k].from_task == i && r[k].to_task != NO_INDEX) indegree[r[k].to_task]--;
    }
  }
  return removed == (1u << m->task_count) - 1 ? SUCCESS : ERR_DAG_CYCLE;
}

/* Phase 5: a fixed sink dim needs the same fixed source dim; a symbolic sink dim takes any. */
static u64 check_types(const Model *m, const Resolved *r) {
  for (u8 k = 0; k < m->connection_count; k++) {
    const TensorSpec *from = r[k].from_task == NO_INDEX ? &m->inputs[r[k].from_tensor]
                                                        : &m->tasks[r[k].from_task].outputs[r[k].from_tensor];
    const TensorSpec *to =
        r[k].to_task == NO_INDEX ? &m->outputs[r[k].to_tensor] : &m->tasks[r[k].to_task].inputs[r[k].to_tensor];
    if (from->dtype != to->dtype || from->rank != to->rank) return ERR_DAG_TYPE_MISMATCH;
    for (u8 d = 0; d < to->rank; d++)
      if (to->dims[d] != DIM_SYMBOLIC && from->dims[d] != to->dims[d]) return ERR_DAG_TYPE_MISMATCH;
  }
  return SUCCESS;
}

u64 validate_dag(const Model *m) {
  Resolved resolved[MAX_CONNECTIONS];
  TRY(check_task_ids(m));
  TRY(check_tensor_names(m));
  TRY(check_state_bindings(m));
  TRY(check_connections(m, resolved));
  TRY(check_inputs_and_outputs(m, resolved));
  TRY(check_no_redundant(m, resolved));
  TRY(check_no_cycles(m, resolved));
  return check_types(m, resolved);
}
