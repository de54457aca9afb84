"""GraphQL composition: schema, context, errors, pagination types."""
