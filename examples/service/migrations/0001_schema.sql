-- Transactions as received; a transaction_id, when given, is stored once.
CREATE TABLE transactions (
    id             bigserial   PRIMARY KEY,
    customer_id    text        NOT NULL CHECK (customer_id <> ''),
    time           timestamptz NOT NULL,
    amount         numeric     NOT NULL CHECK (amount >= 0),
    product        text        NOT NULL DEFAULT '',
    channel        text        NOT NULL DEFAULT '',
    transaction_id text        UNIQUE,
    received_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX transactions_time ON transactions (time);

-- Fitted models, one version per successful refit. purchase and spend are
-- clv.MarshalModel's JSON with the fit report, kept verbatim (json, not
-- jsonb, so the numbers come back bit for bit). through_id is the last
-- transaction the fit could see: a restart rebuilds the same customer view.
CREATE TABLE models (
    version      bigserial   PRIMARY KEY,
    as_of        date        NOT NULL,
    unit         text        NOT NULL,
    through_id   bigint      NOT NULL,
    customers    integer     NOT NULL,
    transactions bigint      NOT NULL,
    purchase     json        NOT NULL,
    spend        json        NOT NULL,
    fitted_at    timestamptz NOT NULL DEFAULT now()
);
