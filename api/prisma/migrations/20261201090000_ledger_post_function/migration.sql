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
  v_transfer UUID := gen_random_uuid();
  v_move RECORD;
BEGIN
  IF cardinality(p_accounts) < 2 OR cardinality(p_accounts) <> cardinality(p_amounts) THEN
    RAISE EXCEPTION 'ledger_unbalanced: % accounts, % amounts', cardinality(p_accounts), cardinality(p_amounts);
  END IF;
  IF (SELECT sum(a) FROM unnest(p_amounts) AS a) <> 0 THEN
    RAISE EXCEPTION 'ledger_unbalanced: entries sum to %', (SELECT sum(a) FROM unnest(p_amounts) AS a);
  END IF;
  FOR v_move IN
    SELECT u.account_id, sum(u.amount) AS amount
    FROM unnest(p_accounts, p_amounts) AS u(account_id, amount)
    GROUP BY u.account_id
    ORDER BY u.account_id
  LOOP
    UPDATE ledger_accounts SET balance = balance + v_move.amount
    WHERE id = v_move.account_id AND (floor IS NULL OR balance + v_move.amount >= floor);
    IF NOT FOUND THEN
      RAISE EXCEPTION 'ledger_insufficient_funds:%', v_move.account_id;
    END IF;
  END LOOP;
  INSERT INTO ledger_transfers (id, kind, "orderId", "paymentId", "idempotencyKey", memo)
  VALUES (v_transfer, p_kind, p_order_id, p_payment_id, p_idempotency_key, coalesce(p_memo, ''));
  INSERT INTO ledger_entries ("transferId", "accountId", amount)
  SELECT v_transfer, u.account_id, u.amount FROM unnest(p_accounts, p_amounts) AS u(account_id, amount);
  RETURN v_transfer;
END
$$;

-- Group commit for standalone transfers: many independent transfers in one
-- statement and one commit (LedgerRepository.transfer batches concurrent
-- callers). Each transfer runs in its own subtransaction, so a floor breach or
-- a duplicate business key fails that transfer alone; the others commit.
-- Every account of the batch is locked first, in id order, so two batches (on
-- any api node) never wait on each other in a cycle.
CREATE FUNCTION ledger_post_batch(
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
  v_first INT := 1;
  v_last INT;
BEGIN
  PERFORM 1 FROM ledger_accounts WHERE id = ANY (p_accounts) ORDER BY id FOR UPDATE;
  FOR i IN 1 .. cardinality(p_kinds) LOOP
    v_last := v_first + p_sizes[i] - 1;
    BEGIN
      transfer_id := ledger_post(p_kinds[i], p_order_ids[i], p_payment_ids[i], p_idempotency_keys[i], p_memos[i],
                                 p_accounts[v_first:v_last], p_amounts[v_first:v_last]);
      error := NULL;
    EXCEPTION
      WHEN unique_violation THEN
        transfer_id := NULL;
        error := 'ledger_duplicate_transfer';
      WHEN raise_exception THEN
        transfer_id := NULL;
        error := SQLERRM;
    END;
    RETURN NEXT;
    v_first := v_last + 1;
  END LOOP;
END
$$;
