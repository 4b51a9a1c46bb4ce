// Original file: proto/streamgate/v1/streamgate.proto


export interface DeleteGroupResponse {
}

export interface DeleteGroupResponse__Output {
}
