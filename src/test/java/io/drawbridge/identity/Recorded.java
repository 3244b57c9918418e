package io.drawbridge.identity;

/**
 * Answers of the real Backstage catalog (plugin-catalog-backend 4.0.0) about the test organisation in
 * {@code src/test/resources/catalog/}, recorded with the fields {@link BackstageCatalog} asks for, for the
 * stand-in server.
 */
final class Recorded {

    static final String BY_QUERY = "/api/catalog/entities/by-query";
    static final String BY_REFS = "/api/catalog/entities/by-refs";
    static final String BY_NAME_ALICE = "/api/catalog/entities/by-name/user/default/alice";

    static final String ALICE = """
            {"kind":"User","metadata":{"name":"alice","namespace":"default"},"spec":{"profile":\
            {"email":"alice@example.com"},"memberOf":["sre"]},"relations":[{"type":"memberOf",\
            "targetRef":"group:default/sre"}]}""";
    static final String ALICE_BY_EMAIL = "{\"items\":[" + ALICE + "],\"totalItems\":1,\"pageInfo\":{}}";
    static final String NOBODY = "{\"items\":[],\"totalItems\":0,\"pageInfo\":{}}";
    static final String SRE = """
            {"kind":"Group","metadata":{"name":"sre","namespace":"default"},"spec":{"parent":"platform"},\
            "relations":[{"type":"childOf","targetRef":"group:default/platform"},{"type":"hasMember",\
            "targetRef":"user:default/alice"},{"type":"hasMember","targetRef":"user:default/erin"},\
            {"type":"ownerOf","targetRef":"component:default/grafana"}]}""";
    static final String PLATFORM = """
            {"kind":"Group","metadata":{"name":"platform","namespace":"default"},"relations":[{"type":"ownerOf",\
            "targetRef":"resource:default/metrics-db"},{"type":"parentOf","targetRef":"group:default/devex"},\
            {"type":"parentOf","targetRef":"group:default/sre"}]}""";
    static final String NOT_FOUND = """
            {"error":{"name":"NotFoundError","message":"No entity named 'x' found, with kind 'user' in namespace \
            'default'"},"request":{"method":"GET","url":"/entities/by-name/user/default/x"},"response":\
            {"statusCode":404}}""";

    private Recorded() {
    }

    /** A by-refs answer for a request naming sre and/or platform, in request order ({@code null} for others). */
    static String byRefs(String requestBody) {
        StringBuilder items = new StringBuilder();
        for (String ref : requestBody.replaceAll(".*\"entityRefs\":\\[([^]]*)].*", "$1").split(",")) {
            items.append(items.isEmpty() ? "" : ",").append(switch (ref.replace("\"", "")) {
                case "group:default/sre" -> SRE;
                case "group:default/platform" -> PLATFORM;
                default -> "null";
            });
        }
        return "{\"items\":[" + items + "]}";
    }
}
