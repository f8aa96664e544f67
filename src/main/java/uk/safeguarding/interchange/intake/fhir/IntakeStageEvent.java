package uk.safeguarding.interchange.intake.fhir;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A JFR event per stage of one FHIR submission ({@link FhirIntake}'s steps, from reading the body to the durable
 * acceptance and its signed reply): where a slow submission spent its time. The stages of one submission run one
 * after another on the request's thread, so a recording's events of one thread, in time order, are its submissions.
 * Recorded only while a JFR recording enables it; otherwise it costs a check of a flag. Not thread-safe (one event
 * per stage call).
 */
@Name("uk.safeguarding.interchange.IntakeStage")
@Label("FHIR intake stage")
@Category({"Interchange", "Intake"})
@Description("One stage of a FHIR submission: read, parse, verify, authorise, validate, rules, translate or accept")
@StackTrace(false)
final class IntakeStageEvent extends Event {
    @Label("Stage")
    String stage;

    private IntakeStageEvent(String stage) {
        this.stage = stage;
    }

    /**
     * Starts timing {@code stage}; the caller's {@link #commit} (in a {@code finally}, so that a failed stage's time
     * is recorded too) records it when a recording enables the event.
     */
    static IntakeStageEvent start(String stage) {
        IntakeStageEvent event = new IntakeStageEvent(stage);
        event.begin();
        return event;
    }
}
