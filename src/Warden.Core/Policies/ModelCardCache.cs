using System.Runtime.CompilerServices;
using Warden.Contracts.Registry;
using Warden.Core.Inference;
using Warden.Core.Registry;

namespace Warden.Core.Policies;

/// <summary>Parsed model cards per version record, so policies on the request path do not re-parse card JSON.</summary>
public sealed class ModelCardCache(IModelCatalog registry)
{
    private readonly ConditionalWeakTable<ModelVersionRecord, ModelCard> _cards = [];

    /// <summary>The card of <paramref name="version"/> (or the production/latest version) of <paramref name="model"/>; null when unknown.</summary>
    public ModelCard? Find(string model, string? version) => registry.FindRecord(model, version) is { } record ? Find(record) : null;

    /// <summary>The card of one version record.</summary>
    public ModelCard Find(ModelVersionRecord record) => _cards.GetValue(record, ModelRegistry.ReadCard);
}
