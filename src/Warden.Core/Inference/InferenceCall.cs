using Warden.Core.Access;

namespace Warden.Core.Inference;

/// <summary>One inference call as the transport hands it to <see cref="InferenceService"/>.</summary>
/// <param name="Model">Model name from the route.</param>
/// <param name="Version">Version from the route, or null for production.</param>
/// <param name="Request">The parsed request body.</param>
/// <param name="Caller">The authenticated key.</param>
/// <param name="PurposeHeader">Purpose from the <c>X-Warden-Purpose</c> header, if sent.</param>
public sealed record InferenceCall(string Model, string? Version, RawInferenceRequest Request, ApiKeyRecord Caller, string? PurposeHeader);
