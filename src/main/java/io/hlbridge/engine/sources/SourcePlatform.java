package io.hlbridge.engine.sources;

import io.hlbridge.engine.api.ProblemException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One store platform of PRODUCT.md §3a. A subclass says, as pure Java testable without Camel, how the
 * platform authenticates ({@link #verify}) and what its deliveries mean ({@link #translationOf}); the
 * final methods are the steps its route ({@code routes/sources/<platform>.camel.yaml}) calls.
 */
public abstract class SourcePlatform {
    /** Exchange properties the source routes share. */
    public static final String SOURCE = "source";
    public static final String DELIVERY = "sourceDelivery";
    public static final String TRANSLATION = "sourceTranslation";

    private static final Logger LOG = LoggerFactory.getLogger(SourcePlatform.class);

    private final Clock clock;

    protected SourcePlatform(Clock clock) {
        this.clock = clock;
    }

    /** The id used in the API and in route names: {@code samcart}, {@code stripe} … */
    public abstract String id();

    /** How merchants call it: "WooCommerce". */
    public abstract String displayName();

    /** The three or four steps a merchant follows to paste the webhook URL (which menu, which events to tick). */
    public abstract List<String> setupSteps();

    /** Whether this platform signs its deliveries, so a source of it needs a {@code signing_secret}. */
    public abstract boolean signs();

    /**
     * Throws unless the delivery is authentic. {@code signingSecret} is the source's secret, or null
     * when none is set (a platform that signs then refuses every delivery, saying so).
     * Comparisons are constant-time.
     */
    public abstract void verify(Delivery delivery, String signingSecret, Instant now) throws NotAuthentic;

    /** What the delivery means; throws {@link Untranslatable} when a required field is missing. */
    public abstract Translation translationOf(Delivery delivery);

    /** The platform's own id of this delivery or event for the log, or null when it has none. */
    public abstract String deliveryId(Delivery delivery);

    /** A set-up ping (answered 200, logged {@code ping}) rather than an event. */
    public boolean isPing(Delivery delivery) {
        return false;
    }

    /**
     * Whether a delivery that authenticates but cannot be translated is answered 400. Only where the
     * platform does not retry blindly or disable the webhook after failures; otherwise 200.
     */
    public boolean answersRejectedWith400() {
        return false;
    }

    // ---- the steps of the platform's route ----

    /** 401 unless the delivery verifies with the source's signing secret. */
    public final void authenticate(Exchange exchange) {
        Source source = exchange.getProperty(SOURCE, Source.class);
        try {
            verify(exchange.getProperty(DELIVERY, Delivery.class), source.signingSecret(), clock.instant());
        } catch (NotAuthentic e) {
            throw ProblemException.unauthorized(e.getMessage());
        }
        exchange.setProperty(SourceIntake.AUTHENTICATED, true);
    }

    /** Sets {@link #TRANSLATION}: the delivery's store events, or why it is ignored or rejected. */
    public final void translate(Exchange exchange) {
        Delivery delivery = exchange.getProperty(DELIVERY, Delivery.class);
        Translation translation;
        try {
            translation = translationOf(delivery);
        } catch (Untranslatable e) {
            translation = new Translation.Rejected(bestEffortTypeOf(delivery), e.getMessage());
        } catch (RuntimeException unexpected) {
            // a translator's bug, not the platform's: still never a 5xx (the platform would only resend it)
            LOG.warn("{} delivery could not be translated: {}", displayName(), unexpected.toString(), unexpected);
            translation = new Translation.Rejected(bestEffortTypeOf(delivery),
                    "the engine could not translate this delivery (" + unexpected.getClass().getSimpleName() + ")");
        }
        exchange.setProperty(TRANSLATION, translation);
    }

    /** The route's ping test. */
    public final boolean isPing(Exchange exchange) {
        return isPing(exchange.getProperty(DELIVERY, Delivery.class));
    }

    private String bestEffortTypeOf(Delivery delivery) {
        try {
            return bestEffortType(delivery);
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    /** The platform's event type when the delivery could not be translated, or null. */
    protected String bestEffortType(Delivery delivery) {
        return null;
    }
}
