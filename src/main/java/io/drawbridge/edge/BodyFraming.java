package io.drawbridge.edge;

/** How a request body is delimited on the wire, which decides how it is forwarded. */
public enum BodyFraming {
    NONE, CONTENT_LENGTH, CHUNKED
}
