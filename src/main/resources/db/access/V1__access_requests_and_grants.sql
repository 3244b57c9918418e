-- Access requests and the grants approved from them (io.drawbridge.access.JdbcAccessStore).
-- One script for H2 2.x and PostgreSQL: keep to SQL both accept. Applied by Flyway, never by hand.

CREATE TABLE access_request (
    id               VARCHAR(64)              NOT NULL,
    route            VARCHAR(200)             NOT NULL,
    issuer           VARCHAR(500)             NOT NULL,
    subject          VARCHAR(500)             NOT NULL,
    -- SHA-256 of issuer and subject, in hex: a short, fixed-size key for the person
    requester_key    CHAR(64)                 NOT NULL,
    requester_name   VARCHAR(500),
    requester_email  VARCHAR(500),
    duration_seconds BIGINT                   NOT NULL,
    reason           VARCHAR(2000),
    state            VARCHAR(16)              NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    decided_by       VARCHAR(500),
    decided_at       TIMESTAMP WITH TIME ZONE,
    -- the route while the request is PENDING, NULL once decided: NULLs are distinct, so the constraint below
    -- allows one open request per person and route, on every replica at once
    open_route       VARCHAR(200),
    CONSTRAINT access_request_pk PRIMARY KEY (id),
    CONSTRAINT access_request_state CHECK (state IN ('PENDING', 'APPROVED', 'REJECTED', 'EXPIRED', 'WITHDRAWN')),
    CONSTRAINT access_request_one_open UNIQUE (requester_key, open_route)
);

CREATE INDEX access_request_by_state ON access_request (state, expires_at);
CREATE INDEX access_request_by_requester ON access_request (requester_key, created_at);

CREATE TABLE access_grant (
    id            VARCHAR(64)              NOT NULL,
    request_id    VARCHAR(64)              NOT NULL,
    route         VARCHAR(200)             NOT NULL,
    issuer        VARCHAR(500)             NOT NULL,
    subject       VARCHAR(500)             NOT NULL,
    holder_key    CHAR(64)                 NOT NULL,
    holder_name   VARCHAR(500),
    holder_email  VARCHAR(500),
    starts_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    ends_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    approved_by   VARCHAR(500)             NOT NULL,
    revoked_at    TIMESTAMP WITH TIME ZONE,
    revoked_by    VARCHAR(500),
    CONSTRAINT access_grant_pk PRIMARY KEY (id),
    CONSTRAINT access_grant_one_per_request UNIQUE (request_id),
    CONSTRAINT access_grant_request FOREIGN KEY (request_id) REFERENCES access_request (id)
);

CREATE INDEX access_grant_by_end ON access_grant (ends_at);
CREATE INDEX access_grant_by_holder ON access_grant (holder_key, ends_at);
