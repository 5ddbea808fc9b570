using Warden.Core.Pipelines;
using Warden.Core.Registry;

namespace Warden.Core.Inference;

/// <summary>
/// Where the inference path finds the models it runs: the server's <see cref="ModelRegistry"/>, or the bundles an edge
/// agent holds. Keeping the inference path and its interceptors on this one contract is what lets the device enforce a
/// model's policies with the same code as the server.
/// </summary>
public interface IModelCatalog
{
    /// <summary>
    /// Takes the version a request should run on (<paramref name="version"/>, else the production version); 404 for an
    /// unknown model or version. Dispose the lease when the request ends.
    /// </summary>
    ModelLease Acquire(string model, string? version);

    /// <summary>The loaded pipeline version a request names, or null when the name holds models.</summary>
    PipelineDeployment? FindPipeline(string model, string? version);

    /// <summary>The record of <paramref name="version"/> (or the production/latest version) of <paramref name="model"/>; null when unknown.</summary>
    ModelVersionRecord? FindRecord(string model, string? version);

    /// <summary>The name to label counts with: <paramref name="model"/> when known, else <see cref="ModelRegistry.UnregisteredLabel"/>.</summary>
    string Label(string model);
}
