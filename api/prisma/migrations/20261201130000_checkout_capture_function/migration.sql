-- The payment capture of a checkout as one server-side function: the payment
-- succeeded, its orders paid, each order's total moved from the buyer's
-- funding account into the order's escrow account (ledger_post) and held.
-- Every purchase passes here; as a client-side transaction it was eight round
-- trips (BEGIN, six statements, COMMIT), as a function it is one, and still
-- one atomic statement.
--
-- The caller names the accounts (the chart of accounts lives in the
-- application: codes, kinds, floors) and the orders it expects; the function
-- creates missing accounts and refuses to capture a different set of orders.
-- An order already paid (a retried capture) is skipped, as before.
CREATE FUNCTION checkout_capture(
  p_payment UUID,
  p_provider_ref TEXT,
  p_account_codes TEXT[],
  p_account_kinds TEXT[],
  p_account_currencies TEXT[],
  p_account_owners UUID[],
  p_account_orders UUID[],
  p_account_floors BIGINT[],
  p_funding_code TEXT,
  p_order_ids UUID[],
  p_escrow_codes TEXT[],
  p_transfer_keys TEXT[]
) RETURNS INT
LANGUAGE plpgsql AS $$
DECLARE
  v_checkout UUID;
  v_funding UUID;
  v_escrow UUID;
  v_order RECORD;
  v_at INT;
  v_captured INT := 0;
BEGIN
  UPDATE payments SET status = 'succeeded', "providerRef" = p_provider_ref, "updatedAt" = (now() AT TIME ZONE 'UTC')
  WHERE id = p_payment RETURNING "checkoutId" INTO v_checkout;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'checkout_capture_payment_not_found:%', p_payment;
  END IF;
  INSERT INTO ledger_accounts (id, code, kind, currency, "ownerId", "orderId", floor)
  SELECT gen_random_uuid(), v.code, v.kind::"LedgerAccountKind", v.currency, v.owner, v.ord, v.floor
  FROM unnest(p_account_codes, p_account_kinds, p_account_currencies, p_account_owners, p_account_orders, p_account_floors)
    AS v(code, kind, currency, owner, ord, floor)
  ON CONFLICT (code) DO NOTHING;
  SELECT id INTO v_funding FROM ledger_accounts WHERE code = p_funding_code;
  FOR v_order IN
    UPDATE orders SET status = 'paid', "paidAt" = (now() AT TIME ZONE 'UTC'), "updatedAt" = (now() AT TIME ZONE 'UTC')
    WHERE "checkoutId" = v_checkout AND status = 'pending_payment'
    RETURNING id, "totalMinor", currency
  LOOP
    v_at := array_position(p_order_ids, v_order.id);
    IF v_at IS NULL OR v_funding IS NULL THEN
      RAISE EXCEPTION 'checkout_capture_unexpected_order:%', v_order.id;
    END IF;
    SELECT id INTO v_escrow FROM ledger_accounts WHERE code = p_escrow_codes[v_at];
    PERFORM ledger_post('payment_capture', v_order.id, p_payment, p_transfer_keys[v_at], '',
      ARRAY[v_funding, v_escrow], ARRAY[-v_order."totalMinor", v_order."totalMinor"]::BIGINT[]);
    INSERT INTO escrow_holds (id, "orderId", "accountId", "amountMinor", currency)
    VALUES (ledger_uuid_v7(), v_order.id, v_escrow, v_order."totalMinor", v_order.currency);
    v_captured := v_captured + 1;
  END LOOP;
  RETURN v_captured;
END
$$;
