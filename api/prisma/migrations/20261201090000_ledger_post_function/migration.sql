-- A transfer as one server-side function: PL/pgSQL caches the plans of the
-- statements below per connection, so the hot path of checkout and escrow
-- release pays no parse or plan on each call (the data-modifying CTE it
-- replaces was planned every time). Still one statement for the caller, so a
-- transfer is atomic with or without an explicit transaction.
--
-- Accounts are updated one by one in id order, so two transfers touching the
-- same accounts always lock them in the same order and cannot deadlock. A
-- floor breach (or an unknown account) raises, which rolls back the caller's
-- statement and transaction.
-- Time-ordered ids (UUIDv7, as Prisma's uuid(7) makes them) for rows the ledger
-- functions insert: new transfers land at the right edge of their indexes
-- instead of on random pages (fewer pages touched, fewer full-page images in
-- the WAL after each checkpoint).
CREATE FUNCTION ledger_uuid_v7() RETURNS UUID
LANGUAGE sql VOLATILE AS $$
  SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
    PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) FROM 1 FOR 6),
    52, 1), 53, 1), 'hex')::uuid
$$;

CREATE FUNCTION ledger_post(
  p_kind "LedgerTransferKind",
  p_order_id UUID,
  p_payment_id UUID,
  p_idempotency_key TEXT,
  p_memo TEXT,
  p_accounts UUID[],
  p_amounts BIGINT[]
) RETURNS UUID
LANGUAGE plpgsql AS $$
DECLARE
  v_transfer UUID := ledger_uuid_v7();
  v_move INT;
  v_net RECORD;
  v_sum BIGINT := 0;
BEGIN
  IF cardinality(p_accounts) < 2 OR cardinality(p_accounts) <> cardinality(p_amounts) THEN
    RAISE EXCEPTION 'ledger_unbalanced: % accounts, % amounts', cardinality(p_accounts), cardinality(p_amounts);
  END IF;
  -- Most transfers move money between two accounts: no netting query for those.
  IF cardinality(p_accounts) = 2 AND p_accounts[1] <> p_accounts[2] THEN
    IF p_amounts[1] + p_amounts[2] <> 0 THEN
      RAISE EXCEPTION 'ledger_unbalanced: entries sum to %', p_amounts[1] + p_amounts[2];
    END IF;
    FOR i IN 1 .. 2 LOOP
      v_move := CASE WHEN (p_accounts[1] < p_accounts[2]) = (i = 1) THEN 1 ELSE 2 END;
      UPDATE ledger_accounts SET balance = balance + p_amounts[v_move]
      WHERE id = p_accounts[v_move] AND (floor IS NULL OR balance + p_amounts[v_move] >= floor);
      IF NOT FOUND THEN
        RAISE EXCEPTION 'ledger_insufficient_funds:%', p_accounts[v_move];
      END IF;
    END LOOP;
    INSERT INTO ledger_transfers (id, kind, "orderId", "paymentId", "idempotencyKey", memo)
    VALUES (v_transfer, p_kind, p_order_id, p_payment_id, p_idempotency_key, coalesce(p_memo, ''));
    INSERT INTO ledger_entries ("transferId", "accountId", amount)
    VALUES (v_transfer, p_accounts[1], p_amounts[1]), (v_transfer, p_accounts[2], p_amounts[2]);
    RETURN v_transfer;
  END IF;
  FOR v_net IN
    SELECT u.account_id, sum(u.amount) AS amount
    FROM unnest(p_accounts, p_amounts) AS u(account_id, amount)
    GROUP BY u.account_id
    ORDER BY u.account_id
  LOOP
    UPDATE ledger_accounts SET balance = balance + v_net.amount
    WHERE id = v_net.account_id AND (floor IS NULL OR balance + v_net.amount >= floor);
    IF NOT FOUND THEN
      RAISE EXCEPTION 'ledger_insufficient_funds:%', v_net.account_id;
    END IF;
    v_sum := v_sum + v_net.amount;
  END LOOP;
  -- Raising rolls the balance updates above back with the statement.
  IF v_sum <> 0 THEN
    RAISE EXCEPTION 'ledger_unbalanced: entries sum to %', v_sum;
  END IF;
  INSERT INTO ledger_transfers (id, kind, "orderId", "paymentId", "idempotencyKey", memo)
  VALUES (v_transfer, p_kind, p_order_id, p_payment_id, p_idempotency_key, coalesce(p_memo, ''));
  INSERT INTO ledger_entries ("transferId", "accountId", amount)
  SELECT v_transfer, u.account_id, u.amount FROM unnest(p_accounts, p_amounts) AS u(account_id, amount);
  RETURN v_transfer;
END
$$;

-- Group commit for standalone transfers: many independent transfers in one
-- statement and one commit (LedgerRepository.transfer batches concurrent
-- callers). Set-based: the batch's accounts are locked once, in id order (so
-- two batches, on any api node, never wait on each other in a cycle); each
-- transfer is checked in order against the running balances (its floor, its
-- balance, its business key) and refused alone if it fails; then one UPDATE
-- writes the balances and two INSERTs write every transfer and entry.
CREATE FUNCTION ledger_post_many(
  p_kinds "LedgerTransferKind"[],
  p_order_ids UUID[],
  p_payment_ids UUID[],
  p_idempotency_keys TEXT[],
  p_memos TEXT[],
  p_sizes INT[],
  p_accounts UUID[],
  p_amounts BIGINT[]
) RETURNS TABLE (transfer_id UUID, error TEXT)
LANGUAGE plpgsql AS $$
DECLARE
  n INT := cardinality(p_kinds);
  v_ids UUID[];
  v_balance BIGINT[];
  v_floor BIGINT[];
  v_trial BIGINT[];
  v_booked TEXT[];
  v_transfer UUID[] := array_fill(NULL::UUID, ARRAY[n]);
  v_error TEXT[] := array_fill(NULL::TEXT, ARRAY[n]);
  v_owner INT[] := array_fill(0, ARRAY[cardinality(p_accounts)]);
  v_first INT := 1;
  v_last INT;
  v_pos INT;
  v_sum BIGINT;
BEGIN
  SELECT array_agg(a.id ORDER BY a.id), array_agg(a.balance ORDER BY a.id), array_agg(a.floor ORDER BY a.id)
    INTO v_ids, v_balance, v_floor
    FROM (SELECT id, balance, floor FROM ledger_accounts WHERE id = ANY (p_accounts) ORDER BY id FOR UPDATE) a;
  SELECT coalesce(array_agg(t."idempotencyKey"), '{}') INTO v_booked
    FROM ledger_transfers t WHERE t."idempotencyKey" = ANY (p_idempotency_keys);
  FOR i IN 1 .. n LOOP
    v_last := v_first + p_sizes[i] - 1;
    v_trial := v_balance;
    v_sum := 0;
    FOR j IN v_first .. v_last LOOP
      v_owner[j] := i;
      v_pos := array_position(v_ids, p_accounts[j]);
      IF v_pos IS NULL THEN
        v_error[i] := 'ledger_unknown_account:' || p_accounts[j];
        EXIT;
      END IF;
      v_trial[v_pos] := v_trial[v_pos] + p_amounts[j];
      v_sum := v_sum + p_amounts[j];
    END LOOP;
    IF v_error[i] IS NULL AND (v_sum <> 0 OR p_sizes[i] < 2) THEN
      v_error[i] := 'ledger_unbalanced';
    END IF;
    IF v_error[i] IS NULL AND p_idempotency_keys[i] IS NOT NULL AND p_idempotency_keys[i] = ANY (v_booked) THEN
      v_error[i] := 'ledger_duplicate_transfer';
    END IF;
    IF v_error[i] IS NULL THEN
      FOR j IN v_first .. v_last LOOP
        v_pos := array_position(v_ids, p_accounts[j]);
        IF v_floor[v_pos] IS NOT NULL AND v_trial[v_pos] < v_floor[v_pos] THEN
          v_error[i] := 'ledger_insufficient_funds:' || p_accounts[j];
          EXIT;
        END IF;
      END LOOP;
    END IF;
    IF v_error[i] IS NULL THEN
      v_balance := v_trial;
      v_transfer[i] := ledger_uuid_v7();
      IF p_idempotency_keys[i] IS NOT NULL THEN
        v_booked := v_booked || p_idempotency_keys[i];
      END IF;
    END IF;
    v_first := v_last + 1;
  END LOOP;
  UPDATE ledger_accounts a SET balance = u.balance
    FROM unnest(v_ids, v_balance) AS u(id, balance)
   WHERE a.id = u.id AND a.balance <> u.balance;
  INSERT INTO ledger_transfers (id, kind, "orderId", "paymentId", "idempotencyKey", memo)
  SELECT v_transfer[i], p_kinds[i], p_order_ids[i], p_payment_ids[i], p_idempotency_keys[i], coalesce(p_memos[i], '')
    FROM generate_subscripts(p_kinds, 1) AS i WHERE v_transfer[i] IS NOT NULL;
  INSERT INTO ledger_entries ("transferId", "accountId", amount)
  SELECT v_transfer[v_owner[j]], p_accounts[j], p_amounts[j]
    FROM generate_subscripts(p_accounts, 1) AS j WHERE v_transfer[v_owner[j]] IS NOT NULL;
  RETURN QUERY SELECT v_transfer[i], v_error[i] FROM generate_subscripts(p_kinds, 1) AS i ORDER BY i;
END
$$;
