package io.drawbridge.edge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drawbridge.ExchangeKeys;
import io.drawbridge.Reason;
import io.drawbridge.policy.McpCall;
import io.drawbridge.policy.RequestFacts;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;

/**
 * The edge's part of an MCP route ({@code gateway:/mcp?mcp=true}): reads the JSON-RPC body before the route runs,
 * names the route's resource URL, and turns the gateway's error responses into JSON-RPC errors an MCP client
 * understands, never an HTML page. A 401 carries {@code resource_metadata} (RFC 9728), so the client finds where
 * to get a token; a call refused to a caller the route admits goes out with HTTP 200, so the client's SDK hands
 * the error to the agent instead of failing the transport.
 */
final class McpResponses {

    /** The JSON-RPC error code of a refused call (in the range JSON-RPC leaves to servers). */
    static final int REFUSED = -32001;
    static final String METADATA_PATH = "/.well-known/oauth-protected-resource";
    private static final ObjectMapper JSON = new ObjectMapper();

    private McpResponses() {
    }

    /**
     * Reads the buffered body into {@link ExchangeKeys#MCP_REQUEST} and the request facts, or, when it cannot be
     * judged, its reason into {@link ExchangeKeys#MCP_INVALID}. True: the route runs either way.
     */
    static boolean read(GatewayEndpoint endpoint, ClientRequest request, Exchange exchange) {
        exchange.setProperty(ExchangeKeys.MCP_RESOURCE, resource(endpoint, request));
        byte[] body = exchange.getMessage().getBody(byte[].class);
        body = body == null ? new byte[0] : body;
        McpRequest mcp;
        try {
            mcp = McpRequest.parse(request.method(), body);
        } catch (McpRequest.Invalid e) {
            // judged after authentication, so a client without a token still learns from the 401 where to get one;
            // the authorize step refuses it (and no route can forward it: nothing authorized it)
            exchange.setProperty(ExchangeKeys.MCP_INVALID, e.getMessage());
            exchange.getMessage().setBody(null);
            return true;
        }
        exchange.setProperty(ExchangeKeys.MCP_REQUEST, mcp);
        RequestFacts facts = exchange.getProperty(ExchangeKeys.REQUEST_FACTS, RequestFacts.class);
        exchange.setProperty(ExchangeKeys.REQUEST_FACTS, facts.withMcp(mcp.first()));
        if (body.length == 0) {
            exchange.getMessage().setBody(null); // nothing to send: the upstream gets the request as the client framed it
        }
        return true;
    }

    /** The route's resource URL: configured, or the request's scheme and Host with the route's prefix. */
    static String resource(GatewayEndpoint endpoint, ClientRequest request) {
        if (endpoint.getResource() != null) {
            return endpoint.getResource();
        }
        String host = request.hostHeader() == null ? request.host() : request.hostHeader();
        return request.scheme() + "://" + host + (endpoint.getPrefix().equals("/") ? "" : endpoint.getPrefix());
    }

    /** Where RFC 9728 puts the metadata of {@code resource}: the well-known path between its host and its path. */
    static String metadataUrl(String resource) {
        URI uri = URI.create(resource);
        String path = uri.getRawPath() == null || uri.getRawPath().equals("/") ? "" : uri.getRawPath();
        return uri.getScheme() + "://" + uri.getRawAuthority() + METADATA_PATH + path;
    }

    /** The error response of a request to an MCP route; other routes' responses are returned as they are. */
    static FullHttpResponse adapt(ClientRequest request, Exchange exchange, Reason reason, FullHttpResponse response) {
        GatewayConsumer consumer = request.consumer();
        int status = response.status().code();
        if (consumer == null || !consumer.getEndpoint().isMcp() || (status >= 300 && status < 400)) {
            return response;
        }
        McpRequest mcp = exchange == null ? null : exchange.getProperty(ExchangeKeys.MCP_REQUEST, McpRequest.class);
        boolean refusedCall = exchange != null
                && Boolean.TRUE.equals(exchange.getProperty(ExchangeKeys.MCP_CALL_REFUSED, Boolean.class));
        int sent = refusedCall ? 200 : status;
        ObjectNode error = JSON.createObjectNode()
                .put("code", reason == Reason.MCP_REQUEST_INVALID ? -32600 : REFUSED)
                .put("message", message(status, reason, mcp));
        error.putObject("data").put("status", status).put("reason", reason.code())
                .put("requestId", request.requestId());
        ObjectNode body = JSON.createObjectNode().put("jsonrpc", "2.0");
        body.set("id", mcp == null || mcp.batch() ? NullNode.getInstance() : mcp.id());
        body.set("error", error);
        var out = new DefaultFullHttpResponse(response.protocolVersion(), HttpResponseStatus.valueOf(sent),
                Unpooled.wrappedBuffer(body.toString().getBytes(StandardCharsets.UTF_8)));
        out.headers().set(response.headers())
                .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .set(HttpHeaderNames.CONTENT_LENGTH, out.content().readableBytes());
        if (status == 401) {
            String challenge = response.headers().get(HttpHeaderNames.WWW_AUTHENTICATE);
            String metadata = metadataUrl(resource(consumer.getEndpoint(), request));
            out.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, (challenge == null ? "Bearer" : challenge + ",")
                    + " resource_metadata=\"" + metadata + "\"");
        }
        response.release();
        return out;
    }

    private static String message(int status, Reason reason, McpRequest mcp) {
        McpCall call = mcp == null ? null : mcp.first();
        if (mcp != null && mcp.batch() && status == 403) {
            return "a call in this batch is not allowed for this caller";
        }
        return switch (reason) {
            case MCP_TOOL_NOT_ALLOWED -> "tool '" + call.tool() + "' is not allowed for this caller";
            case MCP_METHOD_NOT_ALLOWED -> "method '" + call.method() + "' is not allowed for this caller";
            case MCP_REQUEST_INVALID -> "invalid request: the gateway judges single JSON-RPC messages and batches";
            default -> status == 403 && call != null && McpCall.TOOLS_CALL.equals(call.method())
                    ? "tool '" + call.tool() + "' is not allowed for this caller"
                    : HttpResponseStatus.valueOf(status).reasonPhrase();
        };
    }
}
