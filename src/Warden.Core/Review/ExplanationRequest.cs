using Warden.Core.Tensors;

namespace Warden.Core.Review;

/// <summary>A review item whose explanation is to be computed in the background, with the one row to explain.</summary>
public sealed record ExplanationRequest(string ItemId, string Model, string Version, NamedTensor[] Row);
