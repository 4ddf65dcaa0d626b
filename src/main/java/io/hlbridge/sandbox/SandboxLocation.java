package io.hlbridge.sandbox;

/** A fake sub-account (location) offered on the sandbox's chooselocation page. */
public record SandboxLocation(String id, String name, String companyId) {

    static SandboxLocation named(String clientId, String name) {
        return new SandboxLocation(SandboxIds.stable(clientId + "/location/" + name), name,
                SandboxIds.stable(clientId + "/company"));
    }
}
