// Original file: proto/streamgate/v1/streamgate.proto


export interface DeleteStreamResponse {
}

export interface DeleteStreamResponse__Output {
}
