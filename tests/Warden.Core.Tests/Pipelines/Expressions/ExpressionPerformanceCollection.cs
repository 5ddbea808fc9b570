namespace Warden.Core.Tests.Pipelines.Expressions;

/// <summary>Timing tests run alone so other tests in this process do not compete for the two cores.</summary>
[CollectionDefinition(nameof(ExpressionPerformanceTests), DisableParallelization = true)]
public sealed class ExpressionPerformanceCollection;
