package io.drawbridge.identity;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Short refs completed as Backstage completes them: kind from the field, namespace from the writer. */
class EntityRefTest {

    @ParameterizedTest(name = "{0}: {1} in {3} -> {4}")
    @CsvSource(delimiter = '|', textBlock = """
            name only                        | sre                    | group | default | group:default/sre
            name in the writer's namespace   | sre                    | group | ops     | group:ops/sre
            namespace and name               | ops/oncall             | group | default | group:ops/oncall
            kind and name                    | user:carol             | group | default | user:default/carol
            kind and name, writer elsewhere  | user:carol             | group | team-a  | user:team-a/carol
            full ref                         | group:default/devex    | group | ops     | group:default/devex
            any case becomes lower case      | Group:Default/SRE      | group | default | group:default/sre
            dots and underscores in names    | user:a.b_c             | user  | default | user:default/a.b_c
            surrounding blanks               | '  sre '               | group | default | group:default/sre
            """)
    void completesAShortRef(String name, String text, String kind, String namespace, String expected) {
        assertThat(EntityRef.parse(text, kind, namespace)).hasToString(expected);
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", "group:", "group:/sre", "default/", ":sre", "a b", "group:default/sre/x"})
    void refusesWhatIsNotARef(String text) {
        assertThatThrownBy(() -> EntityRef.parse(text, "group", "default")).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"alice", "Olga.Ops", "a", "a-b_c.d", "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij123"})
    void acceptsBackstageNames(String name) {
        assertThat(EntityRef.isValidName(name)).isTrue();
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", "-a", "a-", "a b", "a/b", "..", "a@example.com", "é"})
    void refusesWhatBackstageRefusesAsAName(String name) {
        assertThat(EntityRef.isValidName(name)).isFalse();
        assertThat(EntityRef.isValidName("x".repeat(64))).isFalse();
    }
}
