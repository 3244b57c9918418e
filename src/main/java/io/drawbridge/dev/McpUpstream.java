package io.drawbridge.dev;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Dev mode's MCP server: streamable HTTP at {@code /mcp}, stateless, answering each JSON-RPC request with one JSON
 * response, with two tools: {@code echo}, harmless, and {@code delete_repo}, dangerous by name (it deletes
 * nothing). The demo policy lets ci-bot call the first and not the second. For dev mode only: it trusts whoever
 * reaches it, which is why it listens on loopback behind the gateway.
 */
public final class McpUpstream implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOOLS = """
            [{"name":"echo","description":"Says the text back (harmless)",
              "inputSchema":{"type":"object","properties":{"text":{"type":"string"}}}},
             {"name":"delete_repo","description":"Deletes a repository (dangerous; in dev mode it only says so)",
              "inputSchema":{"type":"object","properties":{"repo":{"type":"string"}},"required":["repo"]}}]""";

    private final EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("mcp-upstream", true));
    private final Channel channel;

    private McpUpstream(String host, int port) {
        channel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1024 * 1024),
                                new Handler());
                    }
                })
                .bind(host, port).syncUninterruptibly().channel();
    }

    /** Starts on a free loopback port. */
    public static McpUpstream start() {
        return new McpUpstream("127.0.0.1", 0);
    }

    public String url() {
        return "http://127.0.0.1:" + ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** The answer to one JSON-RPC message, or {@code null} for a notification (answered 202, no body). */
    static ObjectNode answer(JsonNode message) throws IOException {
        if (!message.has("id") || !message.has("method")) {
            return null;
        }
        ObjectNode response = JSON.createObjectNode().put("jsonrpc", "2.0");
        response.set("id", message.get("id"));
        JsonNode params = message.path("params");
        ObjectNode result = JSON.createObjectNode();
        switch (message.path("method").asText()) {
            case "initialize" -> {
                result.put("protocolVersion", params.path("protocolVersion").asText("2025-06-18"));
                result.putObject("capabilities").putObject("tools");
                result.putObject("serverInfo").put("name", "drawbridge-dev-tools").put("version", "1.0");
            }
            case "ping" -> {
            }
            case "tools/list" -> result.set("tools", JSON.readTree(TOOLS));
            case "tools/call" -> {
                String tool = params.path("name").asText();
                JsonNode arguments = params.path("arguments");
                String text = switch (tool) {
                    case "echo" -> arguments.path("text").asText("");
                    case "delete_repo" -> "deleted " + arguments.path("repo").asText("?") + " (not really: dev mode)";
                    default -> null;
                };
                if (text == null) {
                    response.putObject("error").put("code", -32602).put("message", "unknown tool " + tool);
                    return response;
                }
                result.putArray("content").addObject().put("type", "text").put("text", text);
                result.put("isError", false);
            }
            default -> {
                response.putObject("error").put("code", -32601).put("message", "method not found");
                return response;
            }
        }
        response.set("result", result);
        return response;
    }

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) throws Exception {
            if (!request.method().equals(HttpMethod.POST)) {
                // no server-initiated stream and no sessions: the client then works request by request
                respond(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, null);
                return;
            }
            JsonNode message;
            try {
                message = JSON.readTree(request.content().toString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                message = null;
            }
            if (message == null || !message.isObject()) {
                respond(ctx, request, HttpResponseStatus.BAD_REQUEST,
                        "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"parse error\"}}");
                return;
            }
            ObjectNode answer = answer(message);
            respond(ctx, request, answer == null ? HttpResponseStatus.ACCEPTED : HttpResponseStatus.OK,
                    answer == null ? null : answer.toString());
        }

        private static void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
                                    String json) {
            byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.wrappedBuffer(body));
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
            if (json != null) {
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
            }
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            var written = ctx.writeAndFlush(response);
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
