--[[ pull-5: one pull of a consumer: reclaim expired leases (dead-lettering poison
messages), then read new messages, in one atomic step, within a byte budget.

KEYS[1] stream
KEYS[2] policy hash of the stream
KEYS[3] dead-letter stream the caller believes the group uses; or KEYS[2] itself to hand
        the dead letters back (a dead-letter stream in another Cluster slot, see below)
KEYS[4] lease-walk cursor of the group (keys.leaseCursor): where the last bounded walk stopped
KEYS[5] nack delays of the stream (keys.nackDelays): an entry with a running delay is not reclaimed
ARGV[1] group
ARGV[2] consumer
ARGV[3] count (>= 1)
ARGV[4] '1' for NOACK (new messages only, not tracked), else '0'
ARGV[5] default leaseMs, ARGV[6] default maxDeliveries, ARGV[7] default dead-letter stream
        (used when the group has no stored policy, or an unreadable one)
ARGV[8] byte budget: most bytes of entries (IDs, field names and values) to deliver; the
        first entry is delivered whatever its size
ARGV[9] lease walk: most pending entries looked at per call when the pending list is
        longer than ARGV[10] (see below)
ARGV[10] full walk: a pending list of at most this many entries is walked whole
ARGV[11] first chunk: new entries read at once before measuring them, the caller's estimate
        of how many fit the budget (count: all at once, one XREADGROUP)
ARGV[12] handing back only: the dead-letter stream whose type the caller asked just before
        (TYPE, in its own slot), '' when it asked none
ARGV[13] handing back only: what TYPE answered for it ('' when not asked)
ARGV[14..] IDs to ack first (canonical), as ack-2 does without a consumer: whoever holds
        them, one XACK each, their nack delays forgotten (a REST or unary pull carrying the acks of its previous batch:
        acks and read in one round trip). NOSTREAM, WRONGTYPE, NOGROUP and a 'DLQ' answer
        come before any ack; DLQTYPE after them (the acks stand, as they would have with
        an ack call before the pull).

Returns {status, entries, deadLettered, topId, leaseMs, acked, policy}, and when handing
back, three more: deadLetterStream, moves, checks
  status       'OK'; or 'DLQ' when the group's dead-letter stream is not KEYS[3] (handing
               back: not ARGV[12]): then entries is its name and nothing was changed (call
               again with that key; handing back, with its type asked first)
  entries      flat {id, fields, deliveryCount, ...}: reclaimed first, then new ones
               (fields false for an entry deleted while pending), as ONE string packed
               by cmsgpack.pack (unpack.ts reads it): one bulk reply for the whole batch
               instead of one per ID, name and value
  deadLettered number of messages moved to the dead-letter stream by this call
  topId        ID of the stream's last entry ('0-0' if empty) when nothing was delivered,
               so the caller can wait for entries after it
  leaseMs      the group's lease
  acked        per ID of ARGV[14..], 1 when it was pending and is now acked, else 0
  policy       1 when the stored policy was unreadable (the defaults were used), else 0
  deadLetterStream  the group's dead-letter stream (handing back only)
  moves        flat {id, dead-letter fields, ...} of the entries to move, at most count
               (handing back only)
  checks       1 when the group dead-letters (maxDeliveries > 0): the next pull must ask
               the dead-letter key's type first, else 0 (handing back only)
Errors: NOSTREAM, WRONGTYPE, NOGROUP, DLQTYPE (the dead-letter key holds another type)

Finding expired leases costs a bounded amount per call, whatever the pending list's size.
A list of at most ARGV[10] entries is walked whole with XPENDING IDLE (filtered in Redis:
the cheapest when short). A longer one is walked ARGV[9] entries at a time, resuming after
the ID stored in KEYS[4] and wrapping around at its end (XPENDING IDLE alone would scan
the whole list when nothing has expired: 200k entries cost ~14 ms). Why XPENDING and not
XAUTOCLAIM: it gives each entry's owner and delivery count; XAUTOCLAIM would hide the
previous owner (x-last-consumer) and increment the counter before we could decide to
dead-letter instead.

The byte budget: a reclaimed entry is read (XRANGE) before it is claimed. New entries are
read ARGV[11] at first (all of them when the caller expects them to fit), then in chunks
sized by what was read so far; new entries past the budget are handed back (XACK, and the
group's last-delivered ID set back with XGROUP SETID ... ENTRIESREAD), atomically, so
nothing past the budget is ever delivered. Entries are measured only when the packed reply
is longer than the budget, or to size the chunks.

Retry backoff (policy minBackoffMs, maxBackoffMs) and nack delays: an expired entry is
reclaimed only once it has been idle its lease plus its backoff (sg_backoff of its delivery
count), and no nack delay of it (KEYS[5]) is still running (sg_redelivery). With backoff off
and no delays, the walk is exactly the plain lease test.

Handing back (KEYS[3] = KEYS[2]): an entry past maxDeliveries is not written to the
dead-letter stream (another slot: no script may touch both) nor acked; it is reserved
(sg_reserve_move) and returned in `moves` with the fields its dead letter gets, for the
caller to write (deadLetter-1) and then ack (ack-2). It stays pending until that ack, so a
crash in between leaves it to a later walk: a duplicate dead letter at most, never a loss.
The same answers as one script: a group that dead-letters needs its dead-letter key's type,
which the caller asks (TYPE, in the key's slot) before the script and passes in ARGV[12..13];
the script checks it where it would check the key itself (DLQTYPE after the acks), and
answers 'DLQ' when the caller asked about no key, or another key, than the group's (nothing
changed). A group that does not dead-letter needs nothing asked. An entry deleted from the
stream while pending is acked here, as always (nothing to copy).
]]
local stream, group, consumer = KEYS[1], ARGV[1], ARGV[2]
local count = tonumber(ARGV[3])
local no_ack = ARGV[4] == '1'
local budget = tonumber(ARGV[8])
local walk_step = tonumber(ARGV[9])
local full_walk = tonumber(ARGV[10])
local first_chunk = math.max(1, tonumber(ARGV[11]))
sg_stream(stream)
local lease, max_deliveries, dlq, _, corrupt, min_backoff, max_backoff = sg_policy(KEYS[2], group, ARGV[5], ARGV[6], ARGV[7])
local bad_policy = corrupt and 1 or 0
local hand_back = KEYS[3] == KEYS[2]
-- Handing back, the key believed is the one whose type the caller asked ('' none).
if max_deliveries > 0 and dlq ~= (hand_back and ARGV[12] or KEYS[3]) then
  return { 'DLQ', dlq, 0, '0-0', lease, {}, bad_policy }
end
-- The acks this pull carries: after the checks that change nothing (a 'DLQ' answer acks
-- nothing), before the read. A failure after them (DLQTYPE below) leaves them done, as
-- separate ack and pull calls would.
local acked = {}
if #ARGV >= 14 then
  sg_group(stream, group)
  -- One XACK per ID, its answer that ID's result: a multi-ID XACK only counts, and finding
  -- out first which are pending (XPENDING) costs more than it saves (docs/decisions.md).
  local call, any = redis.call, false
  for i = 14, #ARGV do
    local a = call('XACK', stream, group, ARGV[i])
    acked[i - 13] = a
    if a == 1 then any = true end
  end
  -- Their nack delays go with them, as with ack-2 (looked for only when the key exists).
  if any and call('EXISTS', KEYS[5]) == 1 then
    for i = 14, #ARGV do
      if acked[i - 13] == 1 then sg_delay_forget(KEYS[5], group, ARGV[i]) end
    end
  end
end

-- Checked before any claim: a script that failed half-way would keep its claims. Handing
-- back, with the type the caller asked.
if max_deliveries > 0 then
  if hand_back then sg_dlq_type(dlq, ARGV[13]) else sg_dlq_check(KEYS[3]) end
end

local out, n, dead, used = {}, 0, 0, 0
local moves = {}

-- One expired pending entry: dead-lettered, or claimed and delivered. False when it does
-- not fit the byte budget (left as it is, for the next pull).
local function take(id, owner, deliveries)
  local entry = redis.call('XRANGE', stream, id, id)[1]
  if max_deliveries > 0 and deliveries >= max_deliveries then
    if hand_back and entry then
      -- Handed back (at most count per call): moved by the caller, acked after its copy.
      if #moves >= 2 * count then return false end
      sg_reserve_move(stream, group, owner, id)
      moves[#moves + 1] = id
      moves[#moves + 1] = sg_dead_letter_fields(entry[2], id, stream, group, deliveries, owner)
      return true
    end
    if entry then
      redis.call('XADD', KEYS[3], '*', unpack(sg_dead_letter_fields(entry[2], id, stream, group, deliveries, owner)))
      dead = dead + 1
    end
    -- Acked in the source group only after the copy exists: nothing is ever lost.
    redis.call('XACK', stream, group, id)
    return true
  end
  local size = entry and sg_entry_bytes(id, entry[2]) or 0
  if n > 0 and used + size > budget then return false end
  -- The min-idle guard repeats the lease check, so the claim can never steal a live lease.
  -- JUSTID with RETRYCOUNT: the count a plain XCLAIM would give, fields already read. An
  -- entry deleted from the stream is dropped from the pending list by XCLAIM (Redis 7).
  local claimed = redis.call('XCLAIM', stream, group, consumer, lease, id, 'RETRYCOUNT', deliveries + 1, 'JUSTID')[1]
  if claimed and entry then
    n = n + 1
    used = used + size
    out[#out + 1] = id
    out[#out + 1] = entry[2]
    out[#out + 1] = deliveries + 1
  end
  return true
end

-- Whether an entry may be reclaimed now: lease expired, backoff passed, no nack delay running.
local due = sg_redelivery(KEYS[5], group, lease, min_backoff, max_backoff, true)
-- The least idle time that can make an entry due (its lease and its first backoff).
local min_idle = lease + sg_backoff(min_backoff, max_backoff, 1)

-- Whole list, filtered in Redis. Each page starts after the last ID seen.
local function walk_whole()
  local start = '-'
  while n < count do
    local want = count - n
    local page = redis.call('XPENDING', stream, group, 'IDLE', min_idle, start, '+', want)
    for _, p in ipairs(page) do
      if due(p[1], p[3], p[4]) and not take(p[1], p[2], p[4]) then return end
      start = '(' .. p[1]
      if n >= count then return end
    end
    if #page < want then return end
  end
end

if not no_ack and lease > 0 then
  local pending = redis.call('XPENDING', stream, group)[1]
  if pending > full_walk then
    -- The rest of a step goes on past count (cheap: nothing is claimed), so the walk advances.
    sg_lease_walk(stream, group, KEYS[4], walk_step, function(id, owner, idle, deliveries)
      if not due(id, idle, deliveries) then return true end
      return n < count and take(id, owner, deliveries)
    end)
  elseif pending > 0 then
    walk_whole()
  end
end

-- New entries, read into `fresh`: all at once when the caller expects them to fit (the
-- common case: one XREADGROUP), else a first chunk of `first_chunk` and then chunks sized
-- by the average entry read so far, so Redis never holds much more than the budget.
local function read_new(k)
  local args = { 'GROUP', group, consumer, 'COUNT', k }
  if no_ack then args[#args + 1] = 'NOACK' end
  args[#args + 1] = 'STREAMS'
  args[#args + 1] = stream
  args[#args + 1] = '>'
  local read = redis.call('XREADGROUP', unpack(args))
  if read then return read[1][2] end
  return {}
end

-- Entries from..#entries of `entries` (one or more reads) go back: no longer pending, and
-- the group's last-delivered ID set back below the first of them (to the entry before it,
-- as it was), so the next read delivers them again. As if never read: entries-read is set
-- back by as many.
local function give_back(entries, from)
  local back = #entries - from + 1
  local last_kept
  if from > 1 then
    last_kept = entries[from - 1][1]
  else
    local before = redis.call('XREVRANGE', stream, '(' .. entries[from][1], '-', 'COUNT', 1)[1]
    last_kept = before and before[1] or sg_prev_id(entries[from][1])
  end
  if not no_ack then
    for i = from, #entries do redis.call('XACK', stream, group, entries[i][1]) end
  end
  local read
  for _, g in ipairs(redis.call('XINFO', 'GROUPS', stream)) do
    if sg_field(g, 'name') == group then read = sg_field(g, 'entries-read') end
  end
  if type(read) == 'number' then
    redis.call('XGROUP', 'SETID', stream, group, last_kept, 'ENTRIESREAD', read - back)
  else
    redis.call('XGROUP', 'SETID', stream, group, last_kept)
  end
end

local fresh = {}
local want = count - n
if want > 0 and (n == 0 or used < budget) then
  local k = math.min(want, first_chunk)
  -- The reply's own table (a new one per call): no copy.
  fresh = read_new(k)
  if #fresh == k and k < want then
    -- Held back (large entries expected): chunks sized on what was read so far.
    local total = used
    for _, e in ipairs(fresh) do total = total + sg_entry_bytes(e[1], e[2]) end
    while #fresh < want and total < budget do
      local avg = math.max(1, total / (n + #fresh))
      k = math.max(1, math.min(want - #fresh, math.floor((budget - total) / avg)))
      local chunk = read_new(k)
      for _, e in ipairs(chunk) do
        fresh[#fresh + 1] = e
        total = total + sg_entry_bytes(e[1], e[2])
      end
      if #chunk < k then break end
    end
  end
end

-- With a running index: `#out` is a search in Lua 5.1, three per entry added up.
local function add_fresh(upto)
  local m = #out
  for i = 1, upto do
    local e = fresh[i]
    out[m + 1] = e[1]
    out[m + 2] = e[2]
    out[m + 3] = 1
    m = m + 3
  end
end

local base, kept = #out, #fresh
add_fresh(kept)
local packed = cmsgpack.pack(out)
-- The packed reply is longer than the entries it holds: within the budget, so is the
-- data, and no entry needs measuring (the common case). Else measure, and give back what
-- does not fit (the first entry of the pull always stays).
if #packed > budget and #fresh > 0 then
  local total, keep = used, #fresh
  for i, e in ipairs(fresh) do
    local size = sg_entry_bytes(e[1], e[2])
    if n + i > 1 and total + size > budget then
      keep = i - 1
      break
    end
    total = total + size
  end
  if keep < #fresh then
    give_back(fresh, keep + 1)
    for i = #out, base + 1, -1 do out[i] = nil end
    kept = keep
    add_fresh(kept)
    packed = cmsgpack.pack(out)
  end
end
n = n + kept

local top = '0-0'
if n == 0 then
  local last = redis.call('XREVRANGE', stream, '+', '-', 'COUNT', 1)[1]
  if last then top = last[1] end
end
if hand_back then return { 'OK', packed, dead, top, lease, acked, bad_policy, dlq, moves, max_deliveries > 0 and 1 or 0 } end
return { 'OK', packed, dead, top, lease, acked, bad_policy }
