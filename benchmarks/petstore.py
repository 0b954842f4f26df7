"""The Swagger Petstore as an OpenAPI 3.0 document, for the Swagger UI page of the snapshot
benchmark (``real_pages.py``): the three tags and nineteen operations of the sample API every
Swagger UI user knows, with their parameters, request bodies and schemas.

Written here from the operations' public description (not copied from a file) so that the page
needs no network: Swagger UI reads it from the same local server.
"""

from __future__ import annotations

from typing import Any


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "application/json": {"schema": schema},
        "application/xml": {"schema": schema},
    }


def _param(name: str, where: str, kind: str, text: str, **more: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": kind}
    schema.update(more.pop("schema", {}))
    return {"name": name, "in": where, "description": text, "schema": schema, **more}


def _op(tag: str, op_id: str, summary: str, text: str, **more: Any) -> dict[str, Any]:
    responses = more.pop("responses", {"200": {"description": "successful operation"}})
    responses.setdefault("default", {"description": "Unexpected error"})
    return {"tags": [tag], "summary": summary, "description": text, "operationId": op_id,
            "responses": responses, **more}  # fmt: skip


PET_BODY = {"description": "Pet object", "required": True, "content": _json(_ref("Pet"))}
PET_ID = _param("petId", "path", "integer", "ID of pet", required=True)
USERNAME = _param("username", "path", "string", "The name that needs to be fetched.", required=True)
ORDER_ID = _param("orderId", "path", "integer", "ID of the order", required=True)
PET = {
    "200": {"description": "successful operation", "content": _json(_ref("Pet"))},
    "400": {"description": "Invalid ID supplied"},
    "404": {"description": "Pet not found"},
}
PETS = {"200": {"description": "successful operation",
                "content": _json({"type": "array", "items": _ref("Pet")})},
        "400": {"description": "Invalid value"}}  # fmt: skip

PATHS: dict[str, dict[str, Any]] = {
    "/pet": {
        "put": _op("pet", "updatePet", "Update an existing pet.", "Update an existing pet by Id.",
                   requestBody=PET_BODY, responses=dict(PET)),
        "post": _op("pet", "addPet", "Add a new pet to the store.", "Add a new pet to the store.",
                    requestBody=PET_BODY, responses=dict(PET)),
    },
    "/pet/findByStatus": {
        "get": _op("pet", "findPetsByStatus", "Finds Pets by status.",
                   "Multiple status values can be provided with comma separated strings.",
                   parameters=[_param("status", "query", "string", "Status values that need to "
                                      "be considered for filter", required=False,
                                      schema={"default": "available",
                                              "enum": ["available", "pending", "sold"]})],
                   responses=dict(PETS)),
    },
    "/pet/findByTags": {
        "get": _op("pet", "findPetsByTags", "Finds Pets by tags.",
                   "Multiple tags can be provided with comma separated strings.",
                   parameters=[{"name": "tags", "in": "query", "description": "Tags to filter by",
                                "schema": {"type": "array", "items": {"type": "string"}}}],
                   responses=dict(PETS)),
    },
    "/pet/{petId}": {
        "get": _op("pet", "getPetById", "Find pet by ID.", "Returns a single pet.",
                   parameters=[PET_ID], responses=dict(PET)),
        "post": _op("pet", "updatePetWithForm", "Updates a pet in the store with form data.",
                    "Updates a pet resource based on the form data.",
                    parameters=[PET_ID, _param("name", "query", "string", "Name of pet"),
                                _param("status", "query", "string", "Status of pet")]),
        "delete": _op("pet", "deletePet", "Deletes a pet.", "Delete a pet.",
                      parameters=[_param("api_key", "header", "string", "API key"), PET_ID],
                      responses={"200": {"description": "Pet deleted"},
                                 "400": {"description": "Invalid pet value"}}),
    },
    "/pet/{petId}/uploadImage": {
        "post": _op("pet", "uploadFile", "Uploads an image.", "Upload image of the pet.",
                    parameters=[PET_ID, _param("additionalMetadata", "query", "string",
                                               "Additional Metadata")],
                    requestBody={"content": {"application/octet-stream": {
                        "schema": {"type": "string", "format": "binary"}}}},
                    responses={"200": {"description": "successful operation",
                                       "content": _json(_ref("ApiResponse"))}}),
    },
    "/store/inventory": {
        "get": _op("store", "getInventory", "Returns pet inventories by status.",
                   "Returns a map of status codes to quantities.",
                   responses={"200": {"description": "successful operation", "content": {
                       "application/json": {"schema": {"type": "object",
                       "additionalProperties": {"type": "integer", "format": "int32"}}}}}}),
    },
    "/store/order": {
        "post": _op("store", "placeOrder", "Place an order for a pet.",
                    "Place a new order in the store.",
                    requestBody={"content": _json(_ref("Order"))},
                    responses={"200": {"description": "successful operation",
                                       "content": _json(_ref("Order"))},
                               "400": {"description": "Invalid input"}}),
    },
    "/store/order/{orderId}": {
        "get": _op("store", "getOrderById", "Find purchase order by ID.",
                   "For valid response try integer IDs with value <= 5 or > 10.",
                   parameters=[ORDER_ID],
                   responses={"200": {"description": "successful operation",
                                      "content": _json(_ref("Order"))},
                              "404": {"description": "Order not found"}}),
        "delete": _op("store", "deleteOrder", "Delete purchase order by identifier.",
                      "For valid response try integer IDs with value < 1000.",
                      parameters=[ORDER_ID],
                      responses={"200": {"description": "order deleted"},
                                 "404": {"description": "Order not found"}}),
    },
    "/user": {
        "post": _op("user", "createUser", "Create user.", "This can only be done by the logged "
                    "in user.", requestBody={"content": _json(_ref("User"))}),
    },
    "/user/createWithList": {
        "post": _op("user", "createUsersWithListInput", "Creates list of users with given input "
                    "array.", "Creates list of users with given input array.",
                    requestBody={"content": {"application/json": {"schema": {
                        "type": "array", "items": _ref("User")}}}}),
    },
    "/user/login": {
        "get": _op("user", "loginUser", "Logs user into the system.",
                   "Log into the system.",
                   parameters=[_param("username", "query", "string", "The user name for login"),
                               _param("password", "query", "string",
                                      "The password for login in clear text")],
                   responses={"200": {"description": "successful operation"},
                              "400": {"description": "Invalid username/password supplied"}}),
    },
    "/user/logout": {
        "get": _op("user", "logoutUser", "Logs out current logged in user session.",
                   "Log user out of the system."),
    },
    "/user/{username}": {
        "get": _op("user", "getUserByName", "Get user by user name.", "Get user detail based on "
                   "username.", parameters=[USERNAME],
                   responses={"200": {"description": "successful operation",
                                      "content": _json(_ref("User"))},
                              "404": {"description": "User not found"}}),
        "put": _op("user", "updateUser", "Update user resource.", "This can only be done by the "
                   "logged in user.", parameters=[USERNAME],
                   requestBody={"content": _json(_ref("User"))}),
        "delete": _op("user", "deleteUser", "Delete user resource.", "This can only be done by "
                      "the logged in user.", parameters=[USERNAME],
                      responses={"200": {"description": "User deleted"},
                                 "404": {"description": "User not found"}}),
    },
}  # fmt: skip


def _object(**properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": properties}


SCHEMAS = {
    "Order": _object(id={"type": "integer", "format": "int64", "example": 10},
                     petId={"type": "integer", "format": "int64", "example": 198772},
                     quantity={"type": "integer", "format": "int32", "example": 7},
                     shipDate={"type": "string", "format": "date-time"},
                     status={"type": "string", "example": "approved",
                             "enum": ["placed", "approved", "delivered"]},
                     complete={"type": "boolean"}),
    "Category": _object(id={"type": "integer", "format": "int64", "example": 1},
                        name={"type": "string", "example": "Dogs"}),
    "User": _object(id={"type": "integer", "format": "int64", "example": 10},
                    username={"type": "string", "example": "theUser"},
                    firstName={"type": "string", "example": "John"},
                    lastName={"type": "string", "example": "James"},
                    email={"type": "string", "example": "john@email.com"},
                    password={"type": "string", "example": "12345"},
                    phone={"type": "string", "example": "12345"},
                    userStatus={"type": "integer", "format": "int32", "example": 1}),
    "Tag": _object(id={"type": "integer", "format": "int64"}, name={"type": "string"}),
    "Pet": {**_object(id={"type": "integer", "format": "int64", "example": 10},
                      name={"type": "string", "example": "doggie"},
                      category=_ref("Category"),
                      photoUrls={"type": "array", "items": {"type": "string"}},
                      tags={"type": "array", "items": _ref("Tag")},
                      status={"type": "string", "enum": ["available", "pending", "sold"]}),
            "required": ["name", "photoUrls"]},
    "ApiResponse": _object(code={"type": "integer", "format": "int32"},
                           type={"type": "string"}, message={"type": "string"}),
}  # fmt: skip

PETSTORE: dict[str, Any] = {
    "openapi": "3.0.4",
    "info": {
        "title": "Swagger Petstore - OpenAPI 3.0",
        "version": "1.0.27",
        "description": "A sample Pet Store Server based on the OpenAPI 3.0 specification.",
        "license": {"name": "Apache 2.0", "url": "https://www.apache.org/licenses/LICENSE-2.0"},
    },
    "servers": [{"url": "/api/v3"}],
    "tags": [
        {"name": "pet", "description": "Everything about your Pets"},
        {"name": "store", "description": "Access to Petstore orders"},
        {"name": "user", "description": "Operations about user"},
    ],
    "paths": PATHS,
    "components": {
        "schemas": SCHEMAS,
        "securitySchemes": {
            "petstore_auth": {"type": "oauth2", "flows": {"implicit": {
                "authorizationUrl": "https://petstore3.swagger.io/oauth/authorize",
                "scopes": {"write:pets": "modify pets in your account",
                           "read:pets": "read your pets"}}}},
            "api_key": {"type": "apiKey", "name": "api_key", "in": "header"},
        },
    },
    "security": [{"api_key": []}],
}  # fmt: skip
