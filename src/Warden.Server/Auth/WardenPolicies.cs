using Microsoft.AspNetCore.Authorization;
using Warden.Core.Access;

namespace Warden.Server.Auth;

/// <summary>Authorization policies: which roles may call which group of endpoints.</summary>
public static class WardenPolicies
{
    /// <summary>Key management and anything else administrative.</summary>
    public const string Admin = "warden.admin";

    /// <summary>Deploying, promoting and rolling back models.</summary>
    public const string Deploy = "warden.deploy";

    /// <summary>Reading the audit chain and the prediction log.</summary>
    public const string Audit = "warden.audit";

    /// <summary>Running inference (consumers additionally limited to their models).</summary>
    public const string Infer = "warden.infer";

    /// <summary>Reading model metadata and the registry.</summary>
    public const string Read = "warden.read";

    /// <summary>Registers the policies and makes authentication the default for every endpoint.</summary>
    public static AuthorizationBuilder AddWardenPolicies(this AuthorizationBuilder builder) => builder
        .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
        .AddPolicy(Admin, p => p.RequireRole(WardenRoles.Admin))
        .AddPolicy(Deploy, p => p.RequireRole(WardenRoles.Admin, WardenRoles.Deployer))
        .AddPolicy(Audit, p => p.RequireRole(WardenRoles.Admin, WardenRoles.Auditor))
        .AddPolicy(Infer, p => p.RequireRole(WardenRoles.Admin, WardenRoles.Deployer, WardenRoles.Consumer))
        .AddPolicy(Read, p => p.RequireRole(WardenRoles.Admin, WardenRoles.Deployer, WardenRoles.Auditor, WardenRoles.Reviewer, WardenRoles.Consumer));
}
