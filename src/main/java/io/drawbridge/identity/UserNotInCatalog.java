package io.drawbridge.identity;

import io.drawbridge.Reason;
import io.drawbridge.Reasoned;

/** The caller has no User entity in the catalog and {@code catalog.unknownUser} is {@code deny}: answered 403. */
public class UserNotInCatalog extends RuntimeException implements Reasoned {

    public UserNotInCatalog(String detail) {
        super(detail, null, false, false);
    }

    @Override
    public Reason reason() {
        return Reason.USER_NOT_IN_CATALOG;
    }
}
