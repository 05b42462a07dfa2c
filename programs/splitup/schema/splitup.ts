/**
 * The one source of truth for the SplitUp program's layouts: accounts, instruction arguments,
 * instructions, errors and constants. `generate.ts` turns it into the C header the program
 * compiles against, the Anchor IDL and the TypeScript client types. Every struct is laid out
 * with natural alignment and no implicit padding, so Borsh bytes and the C struct are the same.
 */
import type { ConstantDef, ErrorDef, InstructionDef, StructDef } from './types.js';

export const PROGRAM_NAME = 'splitup';
export const PROGRAM_VERSION = '0.1.0';

export const SYSTEM_PROGRAM_ID = '11111111111111111111111111111111';
export const TOKEN_PROGRAM_ID = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
/** The BPF upgradeable loader: owns our program account and its program-data account. */
export const BPF_LOADER_UPGRADEABLE_ID = 'BPFLoaderUpgradeab1e11111111111111111111111';

export const MAX_COMMITTEE = 16;
export const MAX_SPECIALIZATIONS = 8;
export const MAX_DIMS = 6;
export const MAX_TASK_TENSORS = 4;
export const MAX_MODEL_IO = 4;
export const MAX_STATE_BINDINGS = 2;
export const MAX_WEIGHT_CIDS = 3;
export const CID_BYTES = 40;
export const NAME_BYTES = 16;
export const MAX_MODEL_TASKS = 8;
export const MAX_CONNECTIONS = 32;
export const CONNECTIONS_PER_IX = 8;
/** One vote slot per possible member: each member's first vote is its one counted vote. */
export const MAX_ROUND_VOTES = MAX_COMMITTEE;
/** Tensor element types, in the order of storage/tensors/tensor.ts DTYPES (a test keeps them equal). */
export const DTYPES = [
  'float32',
  'float16',
  'bfloat16',
  'float64',
  'int8',
  'uint8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'uint64',
  'bool',
] as const;

export const constants: ConstantDef[] = [
  { name: 'MAX_COMMITTEE', value: MAX_COMMITTEE, doc: 'Oracle keys a committee may hold' },
  { name: 'MAX_SPECIALIZATIONS', value: MAX_SPECIALIZATIONS, doc: 'Tasks one node may specialize in' },
  { name: 'BPS', value: 10_000, doc: 'Basis points in one whole (probabilities, multiples of C)' },
  { name: 'MAX_MULTIPLE_BPS', value: 1_000_000, doc: 'Largest R or S: 100x the task payment' },
  { name: 'VRAM_GB_BYTES', value: 1n << 30n, doc: 'Bytes in the GB the per-GB stake is priced in' },
  { name: 'CONFIG_SEED', value: 'config', doc: 'PDA seed of the one Config account' },
  { name: 'VAULT_SEED', value: 'vault', doc: 'PDA seed of the token vault holding stake and escrow' },
  { name: 'NODE_SEED', value: 'node', doc: 'PDA seed of a Node account, followed by its authority' },
  { name: 'MODEL_SEED', value: 'model', doc: 'PDA seed of a Model account, followed by its 32-byte id' },
  {
    name: 'EXECUTION_SEED',
    value: 'execution',
    doc: 'PDA seed of an Execution, followed by client and u64 nonce',
  },
  {
    name: 'ROUND_SEED',
    value: 'round',
    doc: 'PDA seed of a RoundCertificate, followed by the round as u64 LE',
  },
  {
    name: 'MAX_ROUND_VOTES',
    value: MAX_ROUND_VOTES,
    doc: "Vote slots of a RoundCertificate: one per member, so Byzantine votes can never crowd out the honest table's",
  },
  { name: 'TASK_PENDING', value: 0, doc: 'Task run status: waiting for an assignment' },
  { name: 'TASK_ASSIGNED', value: 1, doc: 'Task run status: a node is computing it' },
  { name: 'TASK_REPORTED', value: 2, doc: 'Task run status: output committed, sampling not decided' },
  {
    name: 'TASK_VERIFYING',
    value: 3,
    doc: 'Task run status: sampled; a verifier is recomputing it and has not committed yet',
  },
  { name: 'TASK_UNSAMPLED', value: 4, doc: 'Task run status: not sampled; pays after the challenge window' },
  { name: 'TASK_MATCHED', value: 5, doc: 'Task run status: both reveals opened to the same output hash' },
  {
    name: 'TASK_DISPUTED',
    value: 6,
    doc: 'Task run status: the revealed hashes differ; waiting for the committee verdict',
  },
  { name: 'TASK_RESOLVED', value: 7, doc: 'Task run status: verdict given, the wrong party slashed' },
  { name: 'TASK_SETTLED', value: 8, doc: 'Task run status: paid out' },
  {
    name: 'TASK_REVEALING',
    value: 9,
    doc: 'Task run status: both committed; the verifier reveals, then the node (see reveal_output)',
  },
  {
    name: 'REVEALED_VERIFIER',
    value: 1,
    doc: "TaskRun.revealed bit: verifier_hash holds the verifier's output hash",
  },
  { name: 'REVEALED_NODE', value: 2, doc: "TaskRun.revealed bit: output_hash holds the node's output hash" },
  {
    name: 'COMMIT_DOMAIN',
    value: 'splitup/commit/1',
    doc: 'Prefix of a commitment: sha256(domain, committer key, execution, task index u8, output hash, salt)',
  },
  {
    name: 'REVEAL_WINDOW_TIMEOUTS',
    value: 1,
    doc: 'Seconds each party has to reveal, in completion timeouts (a reveal is one transaction, no computing)',
  },
  { name: 'MAX_BACKOFF_DOUBLINGS', value: 8, doc: 'Cap on how often the completion timeout doubles' },
  { name: 'GUILTY_NODE', value: 0, doc: 'Verdict: the executing node was wrong' },
  { name: 'GUILTY_VERIFIER', value: 1, doc: 'Verdict: the verifier was wrong' },
  { name: 'MAX_DIMS', value: MAX_DIMS, doc: 'Rank limit of a tensor spec' },
  { name: 'MAX_TASK_TENSORS', value: MAX_TASK_TENSORS, doc: 'Inputs (and outputs) one task may declare' },
  { name: 'MAX_MODEL_IO', value: MAX_MODEL_IO, doc: 'Inputs (and outputs) a model may declare' },
  { name: 'MAX_STATE_BINDINGS', value: MAX_STATE_BINDINGS, doc: 'State bindings one task may declare' },
  {
    name: 'MAX_WEIGHT_CIDS',
    value: MAX_WEIGHT_CIDS,
    doc: 'Content ids (task graph and weight files) per task',
  },
  { name: 'CID_BYTES', value: CID_BYTES, doc: 'Bytes of one binary CID, zero-padded' },
  {
    name: 'NAME_BYTES',
    value: NAME_BYTES,
    doc: 'Bytes of a name: sha256(name)[0..16], zeros for the empty name',
  },
  { name: 'MAX_MODEL_TASKS', value: MAX_MODEL_TASKS, doc: 'Tasks one model may have' },
  { name: 'MAX_CONNECTIONS', value: MAX_CONNECTIONS, doc: 'Connections one model may have' },
  { name: 'CONNECTIONS_PER_IX', value: CONNECTIONS_PER_IX, doc: 'Connections one add_connections carries' },
  { name: 'DTYPE_COUNT', value: DTYPES.length, doc: 'Number of tensor element types' },
  { name: 'DIM_SYMBOLIC', value: 0xffff_ffff_ffff_ffffn, doc: 'A dim the deployer left symbolic (any size)' },
];

export const structs: StructDef[] = [
  {
    name: 'ProtocolParams',
    doc: 'Proof-of-Sampling economics, stake minimums and timeouts. R and S are multiples of the task payment C, in basis points.',
    fields: [
      { name: 'stake_base', type: 'u64', doc: 'Stake every node must hold, in token base units' },
      { name: 'stake_per_gb', type: 'u64', doc: 'Extra stake per GB of VRAM of the tasks it specializes in' },
      { name: 'assignment_timeout_s', type: 'u64', doc: 'Seconds a task may wait for an assignment' },
      { name: 'completion_timeout_s', type: 'u64', doc: 'Seconds an assigned node has to report' },
      {
        name: 'challenge_window_s',
        type: 'u64',
        doc: 'Seconds after a report before an unsampled task pays',
      },
      { name: 'unstake_cooldown_s', type: 'u64', doc: 'Seconds between request_unstake and withdraw' },
      {
        name: 'price_per_compute_unit',
        type: 'u64',
        doc: 'Task payment C = compute units x this, in base units',
      },
      { name: 'verifier_reward_bps', type: 'u32', doc: 'R: verifier reward as a multiple of C' },
      { name: 'slash_bps', type: 'u32', doc: 'S: slash as a multiple of C' },
      { name: 'verify_probability_bps', type: 'u16', doc: 'p: probability a task is verified' },
      { name: 'collusion_bps', type: 'u16', doc: 'r: largest colluding fraction tolerated' },
      { name: 'reserved', type: { array: ['u8', 4] } },
    ],
  },
  {
    name: 'InitializeArgs',
    doc: 'Arguments of initialize.',
    fields: [
      { name: 'params', type: { defined: 'ProtocolParams' } },
      { name: 'committee', type: { array: ['pubkey', MAX_COMMITTEE] } },
      { name: 'committee_len', type: 'u8' },
      { name: 'threshold', type: 'u8', doc: '0 picks the default ceil(2n/3)' },
      { name: 'reserved', type: { array: ['u8', 6] } },
    ],
  },
  {
    name: 'UpdateCommitteeArgs',
    doc: 'Arguments of update_committee.',
    fields: [
      { name: 'committee', type: { array: ['pubkey', MAX_COMMITTEE] } },
      { name: 'committee_len', type: 'u8' },
      { name: 'threshold', type: 'u8', doc: '0 picks the default ceil(2n/3)' },
      { name: 'reserved', type: { array: ['u8', 6] } },
    ],
  },
  {
    name: 'AmountArgs',
    doc: 'A token amount in base units.',
    fields: [{ name: 'amount', type: 'u64' }],
  },
  {
    name: 'TensorSpec',
    doc: 'A typed tensor interface: dims (DIM_SYMBOLIC for a symbolic dim), name hash, rank, dtype index.',
    fields: [
      { name: 'dims', type: { array: ['u64', MAX_DIMS] } },
      { name: 'name', type: { array: ['u8', NAME_BYTES] } },
      { name: 'rank', type: 'u8' },
      { name: 'dtype', type: 'u8', doc: 'Index into DTYPES' },
      { name: 'reserved', type: { array: ['u8', 6] } },
    ],
  },
  {
    name: 'StateBinding',
    doc: 'Output of step t fed back as input of step t+1 on the same node (names hashed).',
    fields: [
      { name: 'input', type: { array: ['u8', NAME_BYTES] } },
      { name: 'output', type: { array: ['u8', NAME_BYTES] } },
    ],
  },
  {
    name: 'TaskDef',
    doc: 'One task of a model: typed interface, VRAM, compute units, content ids.',
    fields: [
      { name: 'vram_bytes', type: 'u64' },
      { name: 'compute_units', type: 'u64' },
      { name: 'id', type: { array: ['u8', NAME_BYTES] }, doc: 'sha256(task id)[0..16]' },
      { name: 'inputs', type: { array: [{ defined: 'TensorSpec' }, MAX_TASK_TENSORS] } },
      { name: 'outputs', type: { array: [{ defined: 'TensorSpec' }, MAX_TASK_TENSORS] } },
      { name: 'state', type: { array: [{ defined: 'StateBinding' }, MAX_STATE_BINDINGS] } },
      { name: 'weight_cids', type: { array: [{ array: ['u8', CID_BYTES] }, MAX_WEIGHT_CIDS] } },
      { name: 'input_count', type: 'u8' },
      { name: 'output_count', type: 'u8' },
      { name: 'state_count', type: 'u8' },
      { name: 'cid_count', type: 'u8' },
      { name: 'reserved', type: { array: ['u8', 4] } },
    ],
  },
  {
    name: 'Connection',
    doc: 'A model input or task output (from) feeding a task input or model output (to); names hashed, the model is sha256("@model")[0..16].',
    fields: [
      { name: 'from_task', type: { array: ['u8', NAME_BYTES] } },
      { name: 'from_tensor', type: { array: ['u8', NAME_BYTES] } },
      { name: 'to_task', type: { array: ['u8', NAME_BYTES] } },
      { name: 'to_tensor', type: { array: ['u8', NAME_BYTES] } },
    ],
  },
  {
    name: 'CreateModelArgs',
    doc: 'Arguments of create_model.',
    fields: [
      { name: 'model_id', type: { array: ['u8', 32] } },
      { name: 'inputs', type: { array: [{ defined: 'TensorSpec' }, MAX_MODEL_IO] } },
      { name: 'outputs', type: { array: [{ defined: 'TensorSpec' }, MAX_MODEL_IO] } },
      { name: 'input_count', type: 'u8' },
      { name: 'output_count', type: 'u8' },
      { name: 'task_count', type: 'u8' },
      { name: 'reserved', type: { array: ['u8', 5] } },
    ],
  },
  {
    name: 'RegisterTaskArgs',
    doc: 'Arguments of register_task.',
    fields: [
      { name: 'index', type: 'u8' },
      { name: 'reserved', type: { array: ['u8', 7] } },
      { name: 'task', type: { defined: 'TaskDef' } },
    ],
  },
  {
    name: 'AddConnectionsArgs',
    doc: 'Arguments of add_connections: `count` connections written from position `start`.',
    fields: [
      { name: 'start', type: 'u8' },
      { name: 'count', type: 'u8' },
      { name: 'reserved', type: { array: ['u8', 6] } },
      { name: 'connections', type: { array: [{ defined: 'Connection' }, CONNECTIONS_PER_IX] } },
    ],
  },
  {
    name: 'SpecializationArgs',
    doc: 'Arguments of declare_specialization.',
    fields: [
      { name: 'task_index', type: 'u8' },
      { name: 'reserved', type: { array: ['u8', 7] } },
    ],
  },
  {
    name: 'Specialization',
    doc: 'A task a node keeps loaded: its model and index.',
    fields: [
      { name: 'model', type: 'pubkey' },
      { name: 'task_index', type: 'u8' },
      { name: 'reserved', type: { array: ['u8', 7] } },
    ],
  },
  {
    name: 'Config',
    doc: 'The program configuration (PDA ["config"]).',
    fields: [
      { name: 'admin', type: 'pubkey' },
      { name: 'mint', type: 'pubkey', doc: 'SPL mint of stake and payments' },
      { name: 'vault', type: 'pubkey', doc: 'Token account (PDA ["vault"]) owned by this config' },
      { name: 'committee', type: { array: ['pubkey', MAX_COMMITTEE] } },
      { name: 'params', type: { defined: 'ProtocolParams' } },
      { name: 'committee_epoch', type: 'u64', doc: 'Bumped on every committee change' },
      { name: 'committee_len', type: 'u8' },
      { name: 'threshold', type: 'u8' },
      { name: 'bump', type: 'u8' },
      { name: 'vault_bump', type: 'u8' },
      { name: 'reserved', type: { array: ['u8', 4] } },
    ],
  },
  {
    name: 'Node',
    doc: 'A GPU node and its stake (PDA ["node", authority]).',
    fields: [
      { name: 'authority', type: 'pubkey' },
      { name: 'staked', type: 'u64', doc: 'Tokens held in the vault for this node' },
      { name: 'unstake_amount', type: 'u64', doc: 'Amount asked for by request_unstake' },
      { name: 'unstake_requested_at', type: 'i64', doc: 'Unix time of request_unstake' },
      { name: 'specialized_vram', type: 'u64', doc: 'Sum of the VRAM bytes of its specializations' },
      { name: 'specializations', type: { array: [{ defined: 'Specialization' }, MAX_SPECIALIZATIONS] } },
      { name: 'active_assignments', type: 'u32' },
      { name: 'open_disputes', type: 'u32' },
      { name: 'specialization_count', type: 'u8' },
      { name: 'unstaking', type: 'bool' },
      { name: 'slashed', type: 'bool' },
      { name: 'bump', type: 'u8' },
      { name: 'reserved', type: { array: ['u8', 4] } },
    ],
  },
];

structs.push(
  {
    name: 'TaskRun',
    doc: 'One task instance of an execution: who computes and verifies it, their commitments, money due.',
    fields: [
      { name: 'node', type: 'pubkey', doc: 'Authority of the assigned node' },
      { name: 'verifier', type: 'pubkey', doc: 'Authority of the verifier, if sampled' },
      {
        name: 'output_hash',
        type: { array: ['u8', 32] },
        doc: "The node's commitment (COMMIT_DOMAIN); its output hash once REVEALED_NODE is set",
      },
      {
        name: 'verifier_hash',
        type: { array: ['u8', 32] },
        doc: "The verifier's commitment; its output hash once REVEALED_VERIFIER is set",
      },
      { name: 'payment', type: 'u64', doc: 'C: compute units x price' },
      { name: 'pay_node', type: 'u64', doc: 'Owed to the node at settlement' },
      { name: 'pay_verifier', type: 'u64', doc: 'Owed to the verifier at settlement' },
      { name: 'from_escrow', type: 'u64', doc: 'Part of the payouts taken from the client escrow' },
      { name: 'assigned_at', type: 'i64' },
      { name: 'reported_at', type: 'i64' },
      { name: 'verifier_assigned_at', type: 'i64', doc: 'When the verifier was named' },
      {
        name: 'reveal_opened_at',
        type: 'i64',
        doc: "Start of the current reveal turn: the verifier's commitment, then the verifier's reveal",
      },
      { name: 'status', type: 'u8' },
      { name: 'attempts', type: 'u8', doc: 'Assignments so far (the timeout doubles with each)' },
      {
        name: 'sampled',
        type: 'u8',
        doc: 'Set once sampled, never cleared: the task then pays only after a verdict',
      },
      {
        name: 'verifier_timeouts',
        type: 'u8',
        doc: 'Verifiers that timed out (to commit or to reveal) on it, saturating at 255',
      },
      {
        name: 'revealed',
        type: 'u8',
        doc: 'REVEALED_VERIFIER | REVEALED_NODE: which commitments were opened',
      },
      { name: 'reserved', type: { array: ['u8', 3] } },
    ],
  },
  {
    name: 'RequestExecutionArgs',
    doc: 'Arguments of request_execution.',
    fields: [
      { name: 'nonce', type: 'u64' },
      { name: 'max_fee', type: 'u64', doc: 'Escrowed; must cover every task paid and verified' },
      { name: 'input_commitment', type: { array: ['u8', 32] }, doc: 'sha256 of the input tensors' },
    ],
  },
  {
    name: 'TaskIndexArgs',
    doc: 'A task run of an execution.',
    fields: [
      { name: 'task_index', type: 'u8' },
      { name: 'reserved', type: { array: ['u8', 7] } },
    ],
  },
  {
    name: 'ReportArgs',
    doc: 'A task run and an identity-bound commitment to its output hash (COMMIT_DOMAIN).',
    fields: [
      { name: 'task_index', type: 'u8' },
      { name: 'reserved', type: { array: ['u8', 7] } },
      {
        name: 'commitment',
        type: { array: ['u8', 32] },
        doc: 'sha256(COMMIT_DOMAIN, signer key, execution, task index, output hash, salt)',
      },
    ],
  },
  {
    name: 'RevealArgs',
    doc: "Arguments of reveal_output: the preimage of the signer's commitment.",
    fields: [
      { name: 'task_index', type: 'u8' },
      { name: 'reserved', type: { array: ['u8', 7] } },
      { name: 'output_hash', type: { array: ['u8', 32] }, doc: 'sha256 of the output tensors' },
      { name: 'salt', type: { array: ['u8', 32] }, doc: 'The secret random salt of the commitment' },
    ],
  },
  {
    name: 'SamplingArgs',
    doc: 'Arguments of decide_sampling.',
    fields: [
      { name: 'task_index', type: 'u8' },
      { name: 'verify', type: 'bool' },
      { name: 'reserved', type: { array: ['u8', 6] } },
    ],
  },
  {
    name: 'VerdictArgs',
    doc: 'Arguments of resolve_dispute.',
    fields: [
      { name: 'task_index', type: 'u8' },
      { name: 'guilty', type: 'u8', doc: 'GUILTY_NODE or GUILTY_VERIFIER' },
      { name: 'reserved', type: { array: ['u8', 6] } },
    ],
  },
);

structs.push({
  name: 'Model',
  doc: 'A model and its task DAG (PDA ["model", model_id]). Written while a draft, immutable once registered.',
  fields: [
    { name: 'authority', type: 'pubkey', doc: 'The developer who may write the draft' },
    { name: 'model_id', type: { array: ['u8', 32] } },
    { name: 'total_compute_units', type: 'u64', doc: 'Sum over tasks, set at registration' },
    { name: 'registered_at', type: 'i64' },
    { name: 'inputs', type: { array: [{ defined: 'TensorSpec' }, MAX_MODEL_IO] } },
    { name: 'outputs', type: { array: [{ defined: 'TensorSpec' }, MAX_MODEL_IO] } },
    { name: 'tasks', type: { array: [{ defined: 'TaskDef' }, MAX_MODEL_TASKS] } },
    { name: 'connections', type: { array: [{ defined: 'Connection' }, MAX_CONNECTIONS] } },
    { name: 'input_count', type: 'u8' },
    { name: 'output_count', type: 'u8' },
    { name: 'task_count', type: 'u8' },
    { name: 'connection_count', type: 'u8' },
    { name: 'tasks_written', type: 'u8', doc: 'Bit i: task i has been written' },
    { name: 'registered', type: 'bool' },
    { name: 'bump', type: 'u8' },
    { name: 'reserved', type: 'u8' },
  ],
});

structs.push({
  name: 'Execution',
  doc: 'One inference request (PDA ["execution", client, nonce]): escrow and its task runs.',
  fields: [
    { name: 'client', type: 'pubkey' },
    { name: 'model', type: 'pubkey' },
    { name: 'input_commitment', type: { array: ['u8', 32] } },
    { name: 'max_fee', type: 'u64' },
    { name: 'spent', type: 'u64', doc: 'Escrow paid out so far' },
    { name: 'refund_extra', type: 'u64', doc: 'Slashed stake owed to the client on top of its escrow' },
    { name: 'created_at', type: 'i64' },
    { name: 'nonce', type: 'u64' },
    { name: 'tasks', type: { array: [{ defined: 'TaskRun' }, MAX_MODEL_TASKS] } },
    { name: 'task_count', type: 'u8' },
    { name: 'bump', type: 'u8' },
    { name: 'reserved', type: { array: ['u8', 6] } },
  ],
});

structs.push(
  {
    name: 'RoundVote',
    doc: "One member's vote for a round's liveness table (protocols/committee/round/vote.ts, without the network and signature: the transaction signer is the member).",
    fields: [
      { name: 'table_root', type: { array: ['u8', 32] }, doc: 'RFC 6962 root of the table' },
      { name: 'task_count', type: 'u32', doc: 'Task leaves of the table (a root does not fix its size)' },
    ],
  },
  {
    name: 'SubmitVoteArgs',
    doc: 'Arguments of submit_vote.',
    fields: [
      { name: 'round', type: 'u64' },
      { name: 'vote', type: { defined: 'RoundVote' } },
      { name: 'reserved', type: { array: ['u8', 4] } },
    ],
  },
  {
    name: 'RoundCertificate',
    doc: 'The votes of one liveness round (PDA ["round", round u64 LE]); certified once ceil(2n/3) distinct members voted the same table, final afterwards.',
    fields: [
      { name: 'round', type: 'u64' },
      {
        name: 'committee_epoch',
        type: 'u64',
        doc: 'Config.committee_epoch the bitmaps index; a committee change before certification restarts the tally',
      },
      { name: 'certified_at', type: 'i64', doc: 'Unix time of the certifying vote; 0 while uncertified' },
      { name: 'certified_root', type: { array: ['u8', 32] } },
      { name: 'certified_task_count', type: 'u32' },
      { name: 'voted', type: 'u16', doc: 'Bit m: committee member m voted (its first vote is in votes[m])' },
      {
        name: 'equivocators',
        type: 'u16',
        doc: 'Bit m: member m voted two different tables; neither counts, both kept (votes[m], conflicts[m])',
      },
      { name: 'committee_len', type: 'u8', doc: 'Committee size at the epoch' },
      {
        name: 'threshold',
        type: 'u8',
        doc: 'Distinct identical votes that certify: max(ceil(2n/3), Config.threshold)',
      },
      { name: 'certified', type: 'bool' },
      { name: 'bump', type: 'u8' },
      { name: 'reserved', type: { array: ['u8', 4] } },
      { name: 'votes', type: { array: [{ defined: 'RoundVote' }, MAX_ROUND_VOTES] } },
      {
        name: 'conflicts',
        type: { array: [{ defined: 'RoundVote' }, MAX_ROUND_VOTES] },
        doc: "An equivocator's second, different vote: the evidence beside its first",
      },
    ],
  },
);

/** Struct names that are on-chain accounts (8-byte discriminator + struct). */
export const accounts = ['Config', 'Node', 'Model', 'Execution', 'RoundCertificate'];

const tokenProgram = { name: 'token_program', address: TOKEN_PROGRAM_ID, doc: 'SPL Token' };
const systemProgram = { name: 'system_program', address: SYSTEM_PROGRAM_ID, doc: 'System program' };

export const instructions: InstructionDef[] = [
  {
    name: 'initialize',
    doc: "Creates the config and the token vault; signed by the program's upgrade authority (so the deployer, not whoever calls first, names the admin); refuses parameters that break p > 1/((1-r)(R+S)).",
    args: 'InitializeArgs',
    accounts: [
      { name: 'admin', writable: true, signer: true, doc: 'Pays for the accounts and becomes admin' },
      { name: 'config', writable: true, doc: 'PDA ["config"], created here' },
      { name: 'mint', doc: 'SPL mint of stake and payments' },
      { name: 'vault', writable: true, doc: 'PDA ["vault"], token account created here' },
      tokenProgram,
      systemProgram,
      { name: 'program', doc: "This program's own account (BPF upgradeable loader)" },
      {
        name: 'program_data',
        doc: 'Its program-data account, PDA [program id] of the upgradeable loader; holds the upgrade authority',
      },
      {
        name: 'upgrade_authority',
        signer: true,
        doc: "The program's upgrade authority (may be the admin)",
      },
    ],
  },
  {
    name: 'update_committee',
    doc: 'Replaces the committee: signed by the admin, or by a threshold of the current committee (extra signers as remaining accounts).',
    args: 'UpdateCommitteeArgs',
    accounts: [
      { name: 'authority', signer: true, doc: 'The admin or a committee member' },
      { name: 'config', writable: true, doc: 'PDA ["config"]' },
    ],
  },
  {
    name: 'register_node',
    doc: 'Creates the Node account of the signing authority.',
    accounts: [
      { name: 'authority', writable: true, signer: true, doc: 'The node key; pays for the account' },
      { name: 'node', writable: true, doc: 'PDA ["node", authority], created here' },
      { name: 'config', doc: 'PDA ["config"]' },
      systemProgram,
    ],
  },
  {
    name: 'stake',
    doc: "Moves tokens from the node's token account into the vault.",
    args: 'AmountArgs',
    accounts: [
      { name: 'authority', signer: true, doc: 'The node key; owns the source token account' },
      { name: 'node', writable: true, doc: 'PDA ["node", authority]' },
      { name: 'config', doc: 'PDA ["config"]' },
      { name: 'source', writable: true, doc: 'Token account the stake comes from' },
      { name: 'vault', writable: true, doc: 'PDA ["vault"]' },
      tokenProgram,
    ],
  },
  {
    name: 'request_unstake',
    doc: 'Starts the cooldown for withdrawing an amount; the node takes no new work meanwhile.',
    args: 'AmountArgs',
    accounts: [
      { name: 'authority', signer: true, doc: 'The node key' },
      { name: 'node', writable: true, doc: 'PDA ["node", authority]' },
      { name: 'config', doc: 'PDA ["config"]' },
    ],
  },
  {
    name: 'withdraw',
    doc: 'After the cooldown, with no assignment or dispute open, pays the requested stake out.',
    accounts: [
      { name: 'authority', signer: true, doc: 'The node key' },
      { name: 'node', writable: true, doc: 'PDA ["node", authority]' },
      { name: 'config', doc: 'PDA ["config"]' },
      { name: 'vault', writable: true, doc: 'PDA ["vault"]' },
      { name: 'destination', writable: true, doc: 'Token account that receives the stake' },
      tokenProgram,
    ],
  },
];

const modelDraft = (doc: string) => [
  { name: 'authority', signer: true, doc: 'The model developer' },
  { name: 'model', writable: true, doc },
];

instructions.push(
  {
    name: 'create_model',
    doc: 'Creates a draft model with its inputs, outputs and task count.',
    args: 'CreateModelArgs',
    accounts: [
      { name: 'authority', writable: true, signer: true, doc: 'The model developer; pays for the account' },
      { name: 'model', writable: true, doc: 'PDA ["model", model_id], created here' },
      { name: 'config', doc: 'PDA ["config"]' },
      systemProgram,
    ],
  },
  {
    name: 'register_task',
    doc: 'Writes task `index` of a draft model.',
    args: 'RegisterTaskArgs',
    accounts: modelDraft('The draft model'),
  },
  {
    name: 'add_connections',
    doc: 'Writes connections of a draft model.',
    args: 'AddConnectionsArgs',
    accounts: modelDraft('The draft model'),
  },
  {
    name: 'register_model',
    doc: 'Checks the task DAG (the rules of docs/dag-rules.md) and seals the model.',
    accounts: modelDraft('The draft model; immutable afterwards'),
  },
  {
    name: 'declare_specialization',
    doc: "Adds a registered task to the node's specializations; its stake must cover the added VRAM.",
    args: 'SpecializationArgs',
    accounts: [
      { name: 'authority', signer: true, doc: 'The node key' },
      { name: 'node', writable: true, doc: 'PDA ["node", authority]' },
      { name: 'config', doc: 'PDA ["config"]' },
      { name: 'model', doc: 'A registered model' },
    ],
  },
);

const committeeDecision =
  'Committee members sign as remaining accounts; a threshold of distinct signers is needed.';
instructions.push(
  {
    name: 'request_execution',
    doc: 'Opens an execution of a registered model: escrows max_fee and commits to the input.',
    args: 'RequestExecutionArgs',
    accounts: [
      { name: 'client', writable: true, signer: true, doc: 'Pays the fee and the account rent' },
      { name: 'execution', writable: true, doc: 'PDA ["execution", client, nonce], created here' },
      { name: 'config', doc: 'PDA ["config"]' },
      { name: 'model', doc: 'A registered model' },
      { name: 'client_wallet', writable: true, doc: "The client's token account" },
      { name: 'vault', writable: true, doc: 'PDA ["vault"]' },
      tokenProgram,
      systemProgram,
    ],
  },
  {
    name: 'assign_task',
    doc: `Assigns a task run to a node specialized in the task. ${committeeDecision}`,
    args: 'TaskIndexArgs',
    accounts: [
      { name: 'execution', writable: true, doc: 'The execution' },
      { name: 'config', doc: 'PDA ["config"]' },
      { name: 'model', doc: "The execution's model" },
      { name: 'node', writable: true, doc: 'Node account of the assignee' },
    ],
  },
  {
    name: 'report_completion',
    doc: 'The assigned node commits to its output hash, bound to its own key (COMMIT_DOMAIN); nothing is revealed yet.',
    args: 'ReportArgs',
    accounts: [
      { name: 'authority', signer: true, doc: 'The assigned node key' },
      { name: 'execution', writable: true, doc: 'The execution' },
    ],
  },
  {
    name: 'decide_sampling',
    doc: `After the commitment: verify (naming a different specialized node as verifier) or not. ${committeeDecision}`,
    args: 'SamplingArgs',
    accounts: [
      { name: 'execution', writable: true, doc: 'The execution' },
      { name: 'config', doc: 'PDA ["config"]' },
      { name: 'model', doc: "The execution's model" },
      { name: 'verifier', writable: true, doc: 'Node account of the verifier (ignored when not verifying)' },
    ],
  },
  {
    name: 'report_verification',
    doc: "The verifier commits to its own output hash, bound to its own key: a copy of the node's commitment can never be revealed. Opens the reveal turns.",
    args: 'ReportArgs',
    accounts: [
      { name: 'authority', signer: true, doc: 'The verifier key' },
      { name: 'execution', writable: true, doc: 'The execution' },
    ],
  },
  {
    name: 'reveal_output',
    doc: 'Opens a commitment of a sampled task once both exist: the verifier first, then the node. The second reveal settles: equal hashes match, different ones open a dispute.',
    args: 'RevealArgs',
    accounts: [
      { name: 'authority', signer: true, doc: 'The verifier (first) or the executing node (second)' },
      { name: 'execution', writable: true, doc: 'The execution' },
      { name: 'node', writable: true, doc: 'Node account of the executing node' },
      { name: 'verifier', writable: true, doc: 'Node account of the verifier' },
    ],
  },
  {
    name: 'reveal_timeout',
    doc: 'After a reveal turn of REVEAL_WINDOW_TIMEOUTS completion timeouts, anyone may crank: a verifier that did not reveal loses R x C and the task waits for another verifier; a node that did not reveal is slashed as by a verdict against it.',
    args: 'TaskIndexArgs',
    accounts: [
      { name: 'execution', writable: true, doc: 'The execution' },
      { name: 'config', doc: 'PDA ["config"]' },
      { name: 'party', writable: true, doc: 'Node account of the party whose reveal is missing' },
    ],
  },
  {
    name: 'resolve_dispute',
    doc: `Verdict on a mismatch: slashes the wrong party by S x C (capped at its stake). ${committeeDecision}`,
    args: 'VerdictArgs',
    accounts: [
      { name: 'execution', writable: true, doc: 'The execution' },
      { name: 'config', doc: 'PDA ["config"]' },
      { name: 'node', writable: true, doc: 'Node account of the executing node' },
      { name: 'verifier', writable: true, doc: 'Node account of the verifier' },
    ],
  },
  {
    name: 'reassign_task',
    doc: 'Frees a task run whose node (or verifier) missed its deadline (completion timeout x 2^(attempts-1)) for a new assignment; anyone may crank. A verifier that timed out loses R x C of its stake to the client, and the task stays sampled.',
    args: 'TaskIndexArgs',
    accounts: [
      { name: 'execution', writable: true, doc: 'The execution' },
      { name: 'config', doc: 'PDA ["config"]' },
      { name: 'node', writable: true, doc: 'Node account of the node (or verifier) that timed out' },
    ],
  },
  {
    name: 'settle_task',
    doc: "Pays a finished task run from the vault into the nodes' token accounts (anyone may crank). A report left undecided through the challenge window pays as unsampled; a sampled one never pays without a verdict.",
    args: 'TaskIndexArgs',
    accounts: [
      { name: 'execution', writable: true, doc: 'The execution' },
      { name: 'config', doc: 'PDA ["config"]' },
      { name: 'vault', writable: true, doc: 'PDA ["vault"]' },
      { name: 'node', writable: true, doc: 'Node account of the executing node' },
      { name: 'node_wallet', writable: true, doc: "Token account owned by the node's authority" },
      { name: 'verifier', writable: true, doc: 'Node account of the verifier (the node again if none)' },
      { name: 'verifier_wallet', writable: true, doc: "Verifier's token account (the node's if none)" },
      tokenProgram,
    ],
  },
  {
    name: 'close_execution',
    doc: 'When every task run is settled, or the rest expired unassigned: refunds the client and closes.',
    accounts: [
      { name: 'client', writable: true, signer: true, doc: 'The client; receives the rent' },
      { name: 'execution', writable: true, doc: 'The execution, closed here' },
      { name: 'config', doc: 'PDA ["config"]' },
      { name: 'vault', writable: true, doc: 'PDA ["vault"]' },
      { name: 'client_wallet', writable: true, doc: "The client's token account" },
      tokenProgram,
    ],
  },
  {
    name: 'submit_vote',
    doc: "A committee member's own vote for a round's liveness table (one small transaction per member, no co-signing). The first vote creates the round's account; ceil(2n/3) distinct members voting the same (root, task count) certify the round. A second, different vote of a member removes its vote and marks it an equivocator.",
    args: 'SubmitVoteArgs',
    accounts: [
      {
        name: 'member',
        writable: true,
        signer: true,
        doc: 'A committee member; pays the rent when its vote is the first',
      },
      { name: 'config', doc: 'PDA ["config"]' },
      { name: 'round', writable: true, doc: 'PDA ["round", round u64 LE], created by the first vote' },
      systemProgram,
    ],
  },
);

export const errors: ErrorDef[] = [
  {
    code: 6000,
    name: 'InvalidInstructionData',
    msg: 'Instruction data is malformed or has the wrong length',
  },
  { code: 6001, name: 'UnknownInstruction', msg: 'No instruction has this discriminator' },
  { code: 6002, name: 'NotEnoughAccounts', msg: 'The instruction needs more accounts' },
  { code: 6003, name: 'MissingSigner', msg: 'An account that must sign did not' },
  { code: 6004, name: 'AccountNotWritable', msg: 'An account that must be writable is not' },
  { code: 6005, name: 'InvalidOwner', msg: 'An account is owned by the wrong program' },
  { code: 6006, name: 'InvalidPda', msg: 'An account is not the expected program address' },
  { code: 6007, name: 'InvalidDiscriminator', msg: 'An account holds data of another type' },
  { code: 6008, name: 'AlreadyInitialized', msg: 'The account already exists' },
  {
    code: 6009,
    name: 'DuplicateAccount',
    msg: 'The same account was passed where distinct ones are required',
  },
  { code: 6010, name: 'ArithmeticOverflow', msg: 'An amount overflowed' },
  { code: 6011, name: 'InvalidProgram', msg: 'A program account is not the expected program' },
  {
    code: 6012,
    name: 'InsecureParameters',
    msg: 'Parameters break the security condition p > 1/((1-r)(R+S))',
  },
  { code: 6013, name: 'InvalidParameters', msg: 'A parameter is out of range' },
  { code: 6014, name: 'InvalidCommittee', msg: 'The committee is empty, too large or has duplicate keys' },
  { code: 6015, name: 'InvalidThreshold', msg: 'The threshold is zero or larger than the committee' },
  { code: 6016, name: 'Unauthorized', msg: 'The signer may not do this' },
  {
    code: 6017,
    name: 'InsufficientCommitteeSignatures',
    msg: 'Fewer committee members signed than the threshold',
  },
  {
    code: 6018,
    name: 'InvalidMint',
    msg: 'The mint is not an initialized SPL mint or not the configured one',
  },
  { code: 6019, name: 'InvalidTokenAccount', msg: 'A token account has the wrong mint or owner' },
  { code: 6020, name: 'ZeroAmount', msg: 'The amount must be positive' },
  { code: 6021, name: 'NodeUnstaking', msg: 'The node is unstaking' },
  { code: 6022, name: 'NodeSlashed', msg: 'The node has been slashed' },
  { code: 6023, name: 'UnstakeNotRequested', msg: 'withdraw needs a prior request_unstake' },
  { code: 6024, name: 'CooldownNotElapsed', msg: 'The unstake cooldown has not elapsed' },
  { code: 6025, name: 'NodeBusy', msg: 'The node has an open assignment or dispute' },
  { code: 6026, name: 'InsufficientStake', msg: 'The stake does not cover the amount or the requirement' },
  { code: 6027, name: 'TooManyAccounts', msg: 'More accounts were passed than the program reads' },
  { code: 6028, name: 'ModelRegistered', msg: 'The model is registered and immutable' },
  { code: 6029, name: 'ModelNotRegistered', msg: 'The model is still a draft' },
  { code: 6030, name: 'TasksIncomplete', msg: 'Not every task of the model has been written' },
  { code: 6031, name: 'InvalidTaskIndex', msg: 'No task has this index' },
  { code: 6032, name: 'CapacityExceeded', msg: 'A count exceeds its on-chain limit' },
  { code: 6033, name: 'AlreadySpecialized', msg: 'The node already specializes in this task' },
  { code: 6034, name: 'FeeTooLow', msg: 'max_fee does not cover every task paid and verified' },
  { code: 6035, name: 'WrongModel', msg: "The model is not the execution's" },
  { code: 6036, name: 'InvalidTaskState', msg: 'The task run is not in a state that allows this' },
  { code: 6037, name: 'NotSpecialized', msg: 'The node does not specialize in this task' },
  { code: 6038, name: 'NotAssignedNode', msg: 'The signer is not the node this task run names' },
  { code: 6039, name: 'VerifierIsNode', msg: 'The verifier must differ from the executing node' },
  { code: 6040, name: 'ChallengeWindowOpen', msg: 'The challenge window has not elapsed' },
  { code: 6041, name: 'ExecutionNotFinished', msg: 'A task run is still in flight or not expired' },
  { code: 6042, name: 'InvalidVerdict', msg: 'The verdict names neither party' },
  { code: 6043, name: 'DeadlineNotPassed', msg: "The assigned node's deadline has not passed" },
  {
    code: 6044,
    name: 'NotUpgradeAuthority',
    msg: "The signer is not the program's upgrade authority",
  },
  { code: 6045, name: 'ProgramImmutable', msg: 'The program has no upgrade authority' },
  {
    code: 6046,
    name: 'InvalidProgramData',
    msg: 'The program or program-data account does not hold the loader state of this program',
  },
  { code: 6047, name: 'SampledUnverified', msg: 'A sampled task pays only after its verification' },
  { code: 6048, name: 'AlreadySampled', msg: 'A sampled task stays sampled' },
  {
    code: 6049,
    name: 'CommitmentMismatch',
    msg: "The output hash and salt do not open the signer's commitment",
  },
  { code: 6050, name: 'RevealOutOfTurn', msg: 'The verifier reveals first, the node after it' },
  { code: 6051, name: 'AlreadyRevealed', msg: 'This commitment has already been revealed' },
  { code: 6052, name: 'NotCommitteeMember', msg: 'The signer is not in the committee' },
  {
    code: 6053,
    name: 'AlreadyVoted',
    msg: 'This member already cast this vote, or already equivocated, in this round',
  },
  { code: 6054, name: 'RoundCertified', msg: 'The round is certified; its votes are closed' },
  { code: 6055, name: 'InvalidMerkleProof', msg: 'The audit path does not lead to the certified root' },
  { code: 6056, name: 'RoundNotCertified', msg: 'The round has no certified table yet' },
  // Model DAG violations: 6100 + DAG_ERROR_NUMBERS of node/model/dag/codes.ts, same order.
  { code: 6101, name: 'DagBadTaskId', msg: 'A task id is empty or reserved' },
  { code: 6102, name: 'DagDuplicateTask', msg: 'A task id is declared twice' },
  { code: 6103, name: 'DagBadTensorName', msg: 'A tensor name is empty' },
  { code: 6104, name: 'DagDuplicateTensor', msg: 'A tensor name occurs twice in one list' },
  { code: 6105, name: 'DagBadStateBinding', msg: 'A state binding is invalid' },
  { code: 6106, name: 'DagUnknownTask', msg: 'A connection names an unknown task' },
  { code: 6107, name: 'DagUnknownTensor', msg: 'A connection names an unknown tensor' },
  {
    code: 6108,
    name: 'DagDuplicateConnection',
    msg: 'A sink has more than one source, or a state input is fed by a task',
  },
  { code: 6109, name: 'DagInputUnsatisfied', msg: 'A task input or model output is not fed' },
  { code: 6110, name: 'DagOrphanOutput', msg: 'A model input or task output feeds nothing' },
  { code: 6111, name: 'DagRedundantTask', msg: 'A task contributes to no model output' },
  { code: 6112, name: 'DagCycle', msg: 'The tasks form a cycle' },
  { code: 6113, name: 'DagTypeMismatch', msg: 'A connection joins incompatible tensor specs' },
];

/** sha256("@model")[0..16]: the model itself as a connection endpoint (MODEL_ENDPOINT). */
export const MODEL_ENDPOINT_NAME = '@model';
