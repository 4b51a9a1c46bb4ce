--[[ term-4: terminate pending entries: each is moved to the group's dead-letter stream and
acked, in one atomic step, exactly as pull-5 dead-letters an entry past maxDeliveries (the
same five x-* fields), plus x-reason when a reason is given. Works whatever maxDeliveries is.
A terminated entry's nack-delay record (KEYS[4], setLease-3) goes with its ack.

KEYS[1] stream
KEYS[2] policy hash of the stream
KEYS[3] dead-letter stream the caller believes the group uses; or KEYS[2] itself to hand
        the dead letters back (a dead-letter stream in another Cluster slot, see below)
KEYS[4] nack delays of the stream (keys.nackDelays)
ARGV[1] group
ARGV[2] consumer whose entries alone may be terminated, or '' for any consumer's
ARGV[3] reason, '' for none (then no x-reason field)
ARGV[4] default dead-letter stream (a group without a stored policy, or an unreadable one)
ARGV[5] handing back only: the dead-letter stream whose type the caller asked just before
        (TYPE, in its own slot), '' when it asked none
ARGV[6] handing back only: what TYPE answered for it ('' when not asked)
ARGV[7..] IDs (canonical <ms>-<seq>)

Per ID, in one XPENDING: not pending (0); pending for another consumer than ARGV[2] (2, left
alone); else the entry is read, copied to the dead-letter stream with its x-* fields (then
acked: the copy exists before the ack, so nothing is ever lost) (1); or, when it was deleted
from the stream while pending, only acked: nothing to copy (3). A repeated ID answers 0 after
its first occurrence, as XACK would.

The dead letter: the entry's fields in order, then x-original-id, x-original-stream, x-group,
x-deliveries (Redis's delivery counter), x-last-consumer (the owner), then x-reason if any.

Returns {'OK', flags, policy}: flags per ID as above; policy 1 when the stored policy was
unreadable (the defaults were used), else 0; handing back, two more: the group's dead-letter
stream and flat {id, dead-letter fields, ...}. Or {'DLQ', name}
when the group's dead-letter stream is not KEYS[3] (handing back: not ARGV[5]): nothing was
changed (call again with that key; handing back, with its type asked first).

Handing back (KEYS[3] = KEYS[2]): an entry answering 1 is not written nor acked here but
reserved (sg_reserve_move) and returned in `moves`, for the caller to write (deadLetter-1)
then ack (ack-2): it stays pending until then, so nothing is lost if the caller stops in
between (a later walk or term moves it again: a duplicate dead letter at most). The same
answers as one script: the caller asks the dead-letter key's type (TYPE, in the key's slot)
before the script and passes it in ARGV[5..6]; the script answers 'DLQ' when that is not
the group's key, and DLQTYPE for a key of another type, at the same point as it would
check the key itself. A repeated ID still answers 0 after its first occurrence.
Errors: NOSTREAM, WRONGTYPE, NOGROUP, DLQTYPE (the dead-letter key holds another type); all
raised before anything changes.
]]
local stream, group, consumer, reason = KEYS[1], ARGV[1], ARGV[2], ARGV[3]
sg_stream(stream)
sg_group(stream, group)
local _, _, dlq, _, corrupt = sg_policy(KEYS[2], group, '0', '0', ARGV[4])
local hand_back = KEYS[3] == KEYS[2]
if hand_back then
  if dlq ~= ARGV[5] then return { 'DLQ', dlq } end
  sg_dlq_type(dlq, ARGV[6])
else
  if dlq ~= KEYS[3] then return { 'DLQ', dlq } end
  sg_dlq_check(dlq)
end
local moves, seen = {}, {}

local forget = sg_delay_forgetter(KEYS[4], group)
local out = {}
for i = 7, #ARGV do
  local id = ARGV[i]
  local p = redis.call('XPENDING', stream, group, id, id, 1)[1]
  local flag = 0
  if seen[id] then
    p = nil
  end
  seen[id] = true
  if p and consumer ~= '' and p[2] ~= consumer then
    flag = 2
  elseif p then
    local entry = redis.call('XRANGE', stream, id, id)[1]
    flag = 3
    if entry then
      local fields = sg_dead_letter_fields(entry[2], id, stream, group, p[4], p[2])
      local k = #fields
      if reason ~= '' then
        fields[k + 1] = 'x-reason'; fields[k + 2] = reason
      end
      if hand_back then
        sg_reserve_move(stream, group, p[2], id)
        moves[#moves + 1] = id
        moves[#moves + 1] = fields
      else
        redis.call('XADD', dlq, '*', unpack(fields))
      end
      flag = 1
    end
    -- Acked only after the copy exists (handing back: by the caller, after its copy).
    if flag == 3 or not hand_back then
      redis.call('XACK', stream, group, id)
      forget(id)
    end
  end
  out[i - 6] = flag
end
if hand_back then return { 'OK', out, corrupt and 1 or 0, dlq, moves } end
return { 'OK', out, corrupt and 1 or 0 }
