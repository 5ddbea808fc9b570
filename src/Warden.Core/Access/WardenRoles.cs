namespace Warden.Core.Access;

/// <summary>The roles an API key can have.</summary>
public static class WardenRoles
{
    /// <summary>Everything.</summary>
    public const string Admin = "admin";

    /// <summary>Deploys, promotes and rolls back models; may run inference.</summary>
    public const string Deployer = "deployer";

    /// <summary>Works the review queue; reads model metadata.</summary>
    public const string Reviewer = "reviewer";

    /// <summary>Reads the audit chain, reports and the prediction log.</summary>
    public const string Auditor = "auditor";

    /// <summary>Inference only, on the models the key is scoped to.</summary>
    public const string Consumer = "consumer";

    /// <summary>All role names.</summary>
    public static readonly IReadOnlyList<string> All = [Admin, Deployer, Reviewer, Auditor, Consumer];

    /// <summary>True for a known role.</summary>
    public static bool IsValid(string? role) => role is not null && All.Contains(role);
}
